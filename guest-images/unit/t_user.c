#include "unit.h"
void tests_user(void) {}
