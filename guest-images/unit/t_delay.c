#include "unit.h"
void tests_delay(void) {}
