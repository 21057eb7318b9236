// Boost.URL, compiled once for the whole library (it has no separate library in the Debian packages
// we build against, and compiling it here keeps consumers free of a libboost_url dependency).
#include <boost/url/src.hpp>
