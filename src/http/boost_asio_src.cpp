// Boost.Asio (with its SSL layer) and Boost.Beast, compiled once for the whole library: amlk8s defines
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION publicly, so every other
// translation unit, ours or a consumer's, uses these definitions instead of instantiating its own.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
