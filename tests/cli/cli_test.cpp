// Unit tests of lib/cli: the progress bar's frames, sizes and secret files.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cli/progress.h"
#include "cli/values.h"
#include "core/errors.h"

using namespace sensorpipe;

TEST_CASE("progress bar frames") {
  const auto plain = cli::ProgressBar::render("sim", 0.5, "10 lines", false, 10);
  CHECK(plain == "sim [#####.....]  50% 10 lines");
  CHECK(cli::ProgressBar::render("sim", 2, "", true, 4).find("\x1b[32m####") != std::string::npos);
  CHECK(cli::human_count(950) == "950");
  CHECK(cli::human_count(4560000) == "4.56M");
}

TEST_CASE("sizes: digits and a binary unit in any case") {
  CHECK(cli::parse_size("65536") == 65536u);
  CHECK(cli::parse_size("0") == 0u);
  CHECK(cli::parse_size("64k") == 65536u);
  CHECK(cli::parse_size("64K") == 65536u);
  CHECK(cli::parse_size("64KiB") == 65536u);
  CHECK(cli::parse_size("64kb") == 65536u);
  CHECK(cli::parse_size("1M") == 1048576u);
  CHECK(cli::parse_size("1MiB") == 1048576u);
  CHECK(cli::parse_size("2g") == 2147483648u);
  for (const char* bad : {"", "k", "-1", "+1", " 1", "1 k", "1.5M", "1x", "1b", "1kk", "1T", "99999999999999999999",
                          "17179869184G"}) {
    INFO(bad);
    CHECK_FALSE(cli::parse_size(bad));
  }
}

TEST_CASE("size options reject bad text and values below their minimum") {
  CLI::App app;
  std::size_t n = 0;
  cli::add_size_option(app, "--max", n, "", 1024);
  app.parse(std::vector<std::string>{"2k", "--max"});  // CLI11 takes the arguments reversed
  CHECK(n == 2048);
  CHECK_THROWS_AS(app.parse(std::vector<std::string>{"1000", "--max"}), CLI::ValidationError);
  CHECK_THROWS_AS(app.parse(std::vector<std::string>{"lots", "--max"}), CLI::ValidationError);
}

namespace {
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/sensorpipe-cli-test.XXXXXX";
    const int fd = ::mkstemp(name);
    REQUIRE(fd >= 0);
    ::close(fd);
    path = name;
    std::ofstream(path, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path.c_str()); }
};
}  // namespace

TEST_CASE("secret files: the first line without its line ending, every other byte kept") {
  CHECK(cli::read_secret_file(TempFile("s3cret\n").path, "--token-file") == "s3cret");
  CHECK(cli::read_secret_file(TempFile("s3cret\r\n").path, "--token-file") == "s3cret");
  CHECK(cli::read_secret_file(TempFile("s3cret").path, "--token-file") == "s3cret");
  CHECK(cli::read_secret_file(TempFile(" pass word \t\nsecond line\n").path, "--password-file") == " pass word \t");
  CHECK_THROWS_WITH(cli::read_secret_file(TempFile("").path, "--password-file"), Catch::Contains("is empty"));
  CHECK_THROWS_WITH(cli::read_secret_file(TempFile("\nx\n").path, "--password-file"), Catch::Contains("is empty"));
  CHECK_THROWS_AS(cli::read_secret_file("/nonexistent/sensorpipe/secret", "--token-file"), RuntimeError);
  CHECK_THROWS_WITH(cli::read_secret_file("/nonexistent/sensorpipe/secret", "--token-file"),
                    Catch::Contains("cannot read --token-file /nonexistent/sensorpipe/secret"));
}
