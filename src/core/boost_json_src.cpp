// Boost.JSON, compiled once for the whole library (its separate-compilation mode).
#include <boost/json/src.hpp>
