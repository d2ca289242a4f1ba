#include "rules/Rules.h"
#include "gtest/gtest.h"
TEST(Rules, Placeholder) {}
