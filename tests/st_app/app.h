/* What the platform gives the test applications (app.c: st-ai, legacy_app.c: legacy API). */
#ifndef APP_H
#define APP_H
#ifdef __cplusplus
extern "C" {
#endif
void app_print(const char *s);
int app_main(void);
/* app_checks.c: a failed check prints one FAIL line and counts */
void app_expect(int ok, const char *what);
int app_failures(void);
/* round half to even, as QuantizeLinear */
long app_round_even(float x);
#ifdef __cplusplus
}
#endif
#endif
