#include <amlk8s/core/redact.hpp>

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace {

using amlk8s::redact_text;

bool contains(const std::string& text, std::string_view part) { return text.find(part) != std::string::npos; }

TEST(SecretString, PrintsStars) {
  amlk8s::secret_string s("hunter2");
  std::ostringstream os;
  os << s;
  EXPECT_EQ(os.str(), "***");
  EXPECT_EQ(amlk8s::to_string(s), "***");
  EXPECT_EQ(s.reveal(), "hunter2");
  EXPECT_FALSE(s.empty());
}

TEST(SecretString, CopiesMovesAndCompares) {
  amlk8s::secret_string a("token-value-that-is-long-enough-to-allocate");
  amlk8s::secret_string b = a;
  EXPECT_EQ(a, b);
  amlk8s::secret_string c = std::move(b);
  EXPECT_EQ(c.reveal(), a.reveal());
  EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move): moved-from state is part of the contract
  c = amlk8s::secret_string("other");
  EXPECT_FALSE(a == c);
  c.clear();
  EXPECT_TRUE(c.empty());
}

TEST(Redact, SecretNames) {
  for (std::string_view name : {"client_secret", "clientSecret", "AccountKey", "SharedAccessKey", "password",
                                "x-functions-key", "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
                                "access_token", "$skipToken", "connectionString", "relayserver.relayConnectionString",
                                "sslKeyPemFile", "client-key-data", "sig", "client_assertion"})
    EXPECT_TRUE(amlk8s::is_secret_name(name)) << name;
  for (std::string_view name : {"api-version", "name", "location", "x-ms-client-request-id", "Content-Type",
                                "signed", "Keep-Alive", "WWW-Authenticate"})
    EXPECT_FALSE(amlk8s::is_secret_name(name)) << name;
}

TEST(Redact, HeadersByAllowList) {
  EXPECT_EQ(amlk8s::redact_header("x-ms-request-id", "abc"), "abc");
  EXPECT_EQ(amlk8s::redact_header("Content-Type", "application/json"), "application/json");
  EXPECT_EQ(amlk8s::redact_header("x-ms-ratelimit-remaining-subscription-reads", "249"), "249");
  EXPECT_EQ(amlk8s::redact_header("Authorization", "Bearer abc.def.ghi"), "***");
  EXPECT_EQ(amlk8s::redact_header("Cookie", "a=b"), "***");
  EXPECT_EQ(amlk8s::redact_header("x-custom-thing", "value"), "***");
  std::vector<std::string> extra{"x-custom-*", "Authorization"};
  EXPECT_EQ(amlk8s::redact_header("x-custom-thing", "value", extra), "value");
  // No allow-list can reveal a credential header.
  EXPECT_EQ(amlk8s::redact_header("authorization", "Bearer abc", extra), "***");
  // A URL-valued header keeps its shape but loses the signature.
  EXPECT_EQ(amlk8s::redact_header("Location", "https://h/op?api-version=1&sig=abc"),
            "https://h/op?api-version=1&sig=***");
}

TEST(Redact, UrlQueryByAllowList) {
  EXPECT_EQ(amlk8s::redact_url("https://management.azure.com/subscriptions/s?api-version=2024-01-01"),
            "https://management.azure.com/subscriptions/s?api-version=2024-01-01");
  EXPECT_EQ(amlk8s::redact_url("https://a.blob.core.windows.net/c/b?sv=2021&se=2030&sig=abc%2Bdef&sp=r"),
            "https://a.blob.core.windows.net/c/b?sv=***&se=***&sig=***&sp=***");
  EXPECT_EQ(amlk8s::redact_url("https://h/p?api-version=1&%24skipToken=xyz&$top=5"),
            "https://h/p?api-version=1&%24skipToken=***&$top=5");
  EXPECT_EQ(amlk8s::redact_url("https://user:pass@h:8443/p#frag"), "https://***@h:8443/p#***");
  EXPECT_EQ(amlk8s::redact_url("https://h/api/v1/pods?watch=true&labelSelector=a%3Db&continue=tok"),
            "https://h/api/v1/pods?watch=true&labelSelector=a%3Db&continue=***");
  EXPECT_EQ(amlk8s::redact_url("/relative?flag&x="), "/relative?flag&x=");
  std::vector<std::string> extra{"sv", "sig"};
  EXPECT_EQ(amlk8s::redact_url("https://h/p?sv=1&sig=2", extra), "https://h/p?sv=1&sig=***");
}

TEST(Redact, TextBearerAndJwt) {
  auto out = redact_text("Authorization: Bearer eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\nnext line");
  EXPECT_FALSE(contains(out, "eyJ")) << out;
  EXPECT_TRUE(contains(out, "next line")) << out;
  EXPECT_EQ(redact_text("got bearer abc123== from cache"), "got bearer *** from cache");
  EXPECT_EQ(redact_text("token eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig-part_x was rejected"),
            "token *** was rejected");
  EXPECT_EQ(redact_text("Basic dXNlcjpwYXNz"), "Basic ***");
  EXPECT_EQ(redact_text("no secrets here: api-version=2024-01-01"), "no secrets here: api-version=2024-01-01");
}

TEST(Redact, TextConnectionStrings) {
  EXPECT_EQ(redact_text("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abc+/def==;EndpointSuffix=core"),
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core");
  EXPECT_EQ(redact_text("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=K3y="),
            "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=***;SharedAccessKey=***");
  EXPECT_EQ(redact_text("grant_type=client_credentials&client_id=app&client_secret=s3cr3t&scope=x"),
            "grant_type=client_credentials&client_id=app&client_secret=***&scope=x");
  EXPECT_EQ(redact_text("Server=tcp:h;User ID=u;Password=p@ss w;"), "Server=tcp:h;User ID=u;Password=*** w;");
  EXPECT_EQ(redact_text("see https://a.blob.core.windows.net/c?sv=1&sig=abc%2F"),
            "see https://a.blob.core.windows.net/c?sv=1&sig=***");
  // A host with a port is not a name/value pair.
  EXPECT_EQ(redact_text("https://mykeyvault.vault.azure.net:443/x"), "https://mykeyvault.vault.azure.net:443/x");
}

TEST(Redact, TextQuotedValues) {
  EXPECT_EQ(redact_text(R"(body {"client_secret": "abc", "x": 1})"), R"(body {"client_secret": "***", "x": 1})");
  EXPECT_EQ(redact_text(R"({\"password\":\"p\\\"q\"})"), R"({\"password\":\"***\"})");
  EXPECT_EQ(redact_text("password: hunter2, user: bob"), "password: ***, user: bob");
}

TEST(Redact, TextPemBlocks) {
  std::string pem =
      "key is -----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY----- done";
  EXPECT_EQ(redact_text(pem), "key is -----BEGIN RSA PRIVATE KEY-----***-----END RSA PRIVATE KEY----- done");
  EXPECT_EQ(redact_text("-----BEGIN PRIVATE KEY-----\nMIIE truncated"), "-----BEGIN PRIVATE KEY-----***");
  // Base64 of a PEM file, as protected settings carry sslKey.
  EXPECT_EQ(redact_text("sslKey LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUU= end"), "sslKey *** end");
}

TEST(Redact, JsonSecretKeys) {
  auto v = boost::json::parse(R"({
    "name": "azureml",
    "properties": {
      "extensionType": "Microsoft.AzureML.Kubernetes",
      "configurationSettings": {"enableTraining": "True", "sslKeyPemFile": "/tmp/key.pem"},
      "configurationProtectedSettings": {"sslCert": "LS0t", "relayServerConnectionString": "Endpoint=sb://x"},
      "protectedSettings": null,
      "containerRegistryCredentials": {"username": "u", "password": "p"},
      "keys": [{"keyName": "k1", "value": "v1"}],
      "note": "Bearer abcdef",
      "list": ["-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"]
    }
  })");
  auto r = amlk8s::redact_json(v);
  auto& p = r.at("properties").as_object();
  EXPECT_EQ(r.at("name"), "azureml");
  EXPECT_EQ(p.at("extensionType"), "Microsoft.AzureML.Kubernetes");
  EXPECT_EQ(p.at("configurationSettings").at("enableTraining"), "True");
  EXPECT_EQ(p.at("configurationSettings").at("sslKeyPemFile"), "***");
  EXPECT_EQ(p.at("configurationProtectedSettings"), "***");
  EXPECT_TRUE(p.at("protectedSettings").is_null());
  EXPECT_EQ(p.at("containerRegistryCredentials"), "***");
  EXPECT_EQ(p.at("keys"), "***");
  EXPECT_EQ(p.at("note"), "Bearer ***");
  EXPECT_EQ(p.at("list").at(0), "-----BEGIN CERTIFICATE-----***-----END CERTIFICATE-----");
  // The input is not touched.
  EXPECT_EQ(v.at("properties").at("containerRegistryCredentials").at("password"), "p");
}

TEST(Redact, JsonKubernetesSecretData) {
  auto text = amlk8s::redact_json_text(
      R"({"kind":"Secret","apiVersion":"v1","metadata":{"name":"s"},"data":{"cert.pem":"LS0x"},"stringData":{"a":"b"}})");
  auto r = boost::json::parse(text);
  EXPECT_EQ(r.at("data"), "***");
  EXPECT_EQ(r.at("stringData"), "***");
  EXPECT_EQ(r.at("metadata").at("name"), "s");
}

TEST(Redact, JsonTextFallsBackToTextRules) {
  EXPECT_EQ(amlk8s::redact_json_text("client_id=a&client_secret=b"), "client_id=a&client_secret=***");
  EXPECT_EQ(amlk8s::redact_json_text(R"({"access_token":"eyJ","expires_in":3599})"),
            R"({"access_token":"***","expires_in":3599})");
}

}  // namespace
