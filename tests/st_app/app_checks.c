/* Checks shared by the test applications (app.h). */
#include "app.h"

static int failures;

void app_expect(int ok, const char *what) {
  if (!ok) {
    app_print("FAIL ");
    app_print(what);
    app_print("\n");
    ++failures;
  }
}

int app_failures(void) { return failures; }

long app_round_even(float x) {
  float f = (float)(long)x;
  float r = x - f;
  if (x < 0.0f && r != 0.0f) {
    f -= 1.0f;
    r = x - f;
  }
  if (r > 0.5f || (r == 0.5f && ((long)f & 1))) f += 1.0f;
  return (long)f;
}
