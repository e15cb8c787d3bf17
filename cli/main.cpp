#include <cstdio>
int main() { std::puts("tumar"); return 0; }
