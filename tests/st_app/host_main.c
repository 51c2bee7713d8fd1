/* host platform of the st-ai test application */
#include <stdio.h>

#include "app.h"

void app_print(const char *s) { fputs(s, stdout); }

int main(void) { return app_main() == 0 ? 0 : 1; }
