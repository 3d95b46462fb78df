#include "unit.h"
void tests_tlb(void) {}
