/* emulated Cortex-M platform of the st-ai test application (semihosting console) */
#include "app.h"
#include "egfw.h"

void app_print(const char *s) { egfw_print(s); }

int main(void) { egfw_exit(app_main() == 0 ? 0 : 1); }
