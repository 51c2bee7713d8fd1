/* What the platform gives the st-ai test application. */
#ifndef APP_H
#define APP_H
#ifdef __cplusplus
extern "C" {
#endif
void app_print(const char *s);
int app_main(void);
#ifdef __cplusplus
}
#endif
#endif
