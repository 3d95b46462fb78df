#include "unit.h"
void tests_misc(void) {}
