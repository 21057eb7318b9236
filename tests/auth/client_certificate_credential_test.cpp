#include <amlk8s/auth/client_certificate_credential.hpp>

#include "auth_test_support.hpp"

#include <boost/json.hpp>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>


namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

// A key and a self-signed certificate made fresh for each test run.
struct test_cert {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;

  test_cert() {
    key = EVP_RSA_gen(2048);
    cert = X509_new();
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    auto* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("amlk8s-test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_sign(cert, key, EVP_sha256());
  }
  ~test_cert() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }

  std::string pem(const char* password = nullptr) const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    if (password) {
      PEM_write_bio_PrivateKey(bio, key, EVP_aes_256_cbc(), nullptr, 0, nullptr, const_cast<char*>(password));
    } else {
      PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    }
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string out(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    return out;
  }

  std::vector<unsigned char> der() const {
    int len = i2d_X509(cert, nullptr);
    std::vector<unsigned char> out(static_cast<std::size_t>(len));
    unsigned char* p = out.data();
    i2d_X509(cert, &p);
    return out;
  }
};

std::string b64url_decode(std::string s) {
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  std::string out(s.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  out.resize(static_cast<std::size_t>(n) - std::count(s.end() - 2, s.end(), '='));
  return out;
}

std::string b64url(const unsigned char* p, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');
  int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (auto& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return out;
}

// xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex.
bool is_guid_v4(const std::string& s) {
  if (s.size() != 36 || s[14] != '4' || std::string_view("89ab").find(s[19]) == std::string_view::npos) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && std::string_view("0123456789abcdef").find(s[i]) == std::string_view::npos) return false;
  }
  return true;
}

struct certificate_fixture : ::testing::Test {
  auth_test::env_guard env = auth_test::clean_auth_env();
  asio::io_context ioc;
  auth_test::fake_sender sender{ioc};
  auth_test::fake_clock clock;
  auth_test::temp_dir dir;
  static inline test_cert* cert = nullptr;

  static void SetUpTestSuite() { cert = new test_cert(); }
  static void TearDownTestSuite() {
    delete cert;
    cert = nullptr;
  }

  auth::client_certificate_options options() {
    auth::client_certificate_options o;
    o.cache = auth::token_cache::create({300s, 30s, clock.fn()});
    return o;
  }
};

TEST_F(certificate_fixture, AssertionIsAnRs256JwtWithThumbprintAndClaims) {
  auto path = dir.write("cert.pem", cert->pem());
  auth::client_certificate_credential cred(sender, "tenant-1", "app-1", path.string(), options());
  sender.push(auth_test::entra_token("tok-c"));
  auto r = auth_test::get_token(cred, ioc);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.token.token.reveal(), "tok-c");

  auto req = sender.requests().at(0);
  EXPECT_TRUE(req.body_is_secret);
  auto fields = auth_test::parse_form(req.body);
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0], (std::pair<std::string, std::string>{"grant_type", "client_credentials"}));
  EXPECT_EQ(fields[1], (std::pair<std::string, std::string>{"client_assertion_type",
                                                            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}));
  EXPECT_EQ(fields[2], (std::pair<std::string, std::string>{"client_id", "app-1"}));
  EXPECT_EQ(fields[3].first, "client_assertion");
  EXPECT_EQ(fields[4], (std::pair<std::string, std::string>{"scope", "https://management.azure.com/.default"}));

  const auto& jwt = fields[3].second;
  auto dot1 = jwt.find('.');
  auto dot2 = jwt.find('.', dot1 + 1);
  ASSERT_NE(dot2, std::string::npos);
  auto header = boost::json::parse(b64url_decode(jwt.substr(0, dot1))).as_object();
  auto claims = boost::json::parse(b64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1))).as_object();

  auto der = cert->der();
  unsigned char sha1[20];
  unsigned int len = 0;
  EVP_Digest(der.data(), der.size(), sha1, &len, EVP_sha1(), nullptr);
  EXPECT_EQ(header.at("alg").as_string(), "RS256");
  EXPECT_EQ(header.at("typ").as_string(), "JWT");
  EXPECT_EQ(header.at("x5t").as_string(), b64url(sha1, len));
  EXPECT_EQ(header.at("kid").as_string().size(), 40u);
  EXPECT_FALSE(header.contains("x5c"));

  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
  EXPECT_EQ(claims.at("aud").as_string(), "https://login.microsoftonline.com/tenant-1/oauth2/v2.0/token");
  EXPECT_EQ(claims.at("iss").as_string(), "app-1");
  EXPECT_EQ(claims.at("sub").as_string(), "app-1");
  EXPECT_EQ(claims.at("nbf").as_int64(), now);
  EXPECT_EQ(claims.at("exp").as_int64(), now + 600);
  EXPECT_TRUE(is_guid_v4(std::string(claims.at("jti").as_string()))) << claims.at("jti");

  // The signature verifies with the certificate's public key over "header.claims".
  auto sig = b64url_decode(jwt.substr(dot2 + 1));
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ASSERT_EQ(EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, X509_get0_pubkey(cert->cert)), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(jwt.data()), dot2),
            1);
  EVP_MD_CTX_free(ctx);
}

TEST_F(certificate_fixture, EachRequestGetsANewJti) {
  auth::client_certificate_options o = options();
  o.certificate_pem = auth::secret_string(cert->pem());
  auth::client_certificate_credential cred(sender, "tenant-1", "app-1", "", o);
  sender.set_fallback([](const http::request&) { return auth_test::answer{auth_test::entra_token(), {}}; });
  auth_test::get_token(cred, ioc, {"a/.default"});
  auth_test::get_token(cred, ioc, {"b/.default"});
  auto jti = [](const http::request& r) {
    auto jwt = *auth_test::form_field(r.body, "client_assertion");
    auto dot1 = jwt.find('.');
    auto dot2 = jwt.find('.', dot1 + 1);
    return std::string(boost::json::parse(b64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1))).at("jti").as_string());
  };
  EXPECT_NE(jti(sender.requests()[0]), jti(sender.requests()[1]));
}

TEST_F(certificate_fixture, SendsTheChainWhenAsked) {
  auth::client_certificate_options o = options();
  o.certificate_pem = auth::secret_string(cert->pem());
  o.send_certificate_chain = true;
  auth::client_certificate_credential cred(sender, "tenant-1", "app-1", "", o);
  sender.push(auth_test::entra_token());
  auth_test::get_token(cred, ioc);
  auto jwt = *auth_test::form_field(sender.requests()[0].body, "client_assertion");
  auto header = boost::json::parse(b64url_decode(jwt.substr(0, jwt.find('.')))).as_object();
  auto der = cert->der();
  std::string b64(4 * ((der.size() + 2) / 3) + 1, '\0');
  b64.resize(static_cast<std::size_t>(EVP_EncodeBlock(reinterpret_cast<unsigned char*>(b64.data()), der.data(),
                                                      static_cast<int>(der.size()))));
  ASSERT_TRUE(header.contains("x5c"));
  EXPECT_EQ(header.at("x5c").as_array().at(0).as_string(), b64);
}

TEST_F(certificate_fixture, EncryptedKeyNeedsItsPassword) {
  auto path = dir.write("enc.pem", cert->pem("pem-pass-1"));
  try {
    auth::client_certificate_credential cred(sender, "tenant-1", "app-1", path.string(), options());
    ADD_FAILURE() << "expected amlk8s::error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    EXPECT_NE(std::string(e.what()).find("password"), std::string::npos) << e.what();
  }
  auto o = options();
  o.password = auth::secret_string(std::string("pem-pass-1"));
  auth::client_certificate_credential cred(sender, "tenant-1", "app-1", path.string(), o);
  sender.push(auth_test::entra_token("tok-enc"));
  EXPECT_EQ(auth_test::get_token(cred, ioc).token.token.reveal(), "tok-enc");
}

TEST_F(certificate_fixture, UnusablePemIsRejectedWithoutQuotingIt) {
  auto path = dir.write("bad.pem", "-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYMATERIAL\n-----END PRIVATE KEY-----\n");
  try {
    auth::client_certificate_credential cred(sender, "tenant-1", "app-1", path.string(), options());
    ADD_FAILURE() << "expected amlk8s::error";
  } catch (const amlk8s::error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    EXPECT_EQ(std::string(e.what()).find("TOPSECRET"), std::string::npos) << e.what();
  }
  EXPECT_THROW(auth::client_certificate_credential(sender, "tenant-1", "app-1", (dir.path() / "missing.pem").string(), options()),
               amlk8s::error);
}

TEST_F(certificate_fixture, EntraErrorDoesNotEchoTheAssertion) {
  auto o = options();
  o.certificate_pem = auth::secret_string(cert->pem());
  auth::client_certificate_credential cred(sender, "tenant-1", "app-1", "", o);
  sender.set_fallback([](const http::request& req) {
    auto assertion = *auth_test::form_field(req.body, "client_assertion");
    return auth_test::answer{auth_test::json_response(400, R"({"error":"invalid_client","error_description":"bad assertion )" +
                                                     assertion + "\"}"),
                        {}};
  });
  auto r = auth_test::get_token(cred, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  auto assertion = *auth_test::form_field(sender.requests()[0].body, "client_assertion");
  auto text = r.diag.to_string();
  EXPECT_NE(text.find("bad assertion"), std::string::npos) << text;
  EXPECT_EQ(text.find(assertion.substr(assertion.rfind('.') + 1)), std::string::npos) << text;
}

}  // namespace
