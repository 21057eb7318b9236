// A program outside the amlk8s tree, built against the installed package.
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/version.hpp>

#include <iostream>

int main() {
  amlk8s::error e(amlk8s::errc::not_found, "cluster 'c1' was not found");
  std::cout << "amlk8s " << AMLK8S_VERSION_STRING << ": " << e.what() << "\n";
  return e.condition() == amlk8s::errc::not_found ? 0 : 1;
}
