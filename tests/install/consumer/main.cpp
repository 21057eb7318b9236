// A program outside the amlk8s tree, built against the installed package: the public headers must
// compile without Beast or OpenSSL headers of their own, and both libraries must link.
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/version.hpp>
#include <amlk8s/http/client.hpp>
#include <amlk8s/local/http_server.hpp>

#include <iostream>

int main() {
  amlk8s::error e(amlk8s::errc::not_found, "cluster 'c1' was not found");
  amlk8s::local::http_server server({}, amlk8s::local::synchronous([](const amlk8s::local::server_request&) {
    amlk8s::http::response res;
    res.status = 200;
    return res;
  }));
  amlk8s::http::client client;
  amlk8s::http::request req;
  req.url = server.url() + "/";
  int status = client.send(req).status;
  std::cout << "amlk8s " << AMLK8S_VERSION_STRING << ": " << e.what() << ", local server answered " << status << "\n";
  return e.condition() == amlk8s::errc::not_found && status == 200 ? 0 : 1;
}
