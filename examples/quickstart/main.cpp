#include <amlk8s/core/version.hpp>
#include <iostream>
int main() { std::cout << "amlk8s " << AMLK8S_VERSION_STRING << "\n"; }
