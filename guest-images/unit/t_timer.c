#include "unit.h"
void tests_timer(void) {}
