#include "validate/board_link.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace eg::validate {
namespace {

bool parse_uint(const std::string& s, unsigned* v) {
  if (s.empty() || s.size() > 9) return false;
  for (char ch : s)
    if (ch < '0' || ch > '9') return false;
  *v = static_cast<unsigned>(std::stoul(s));
  return true;
}

speed_t baud_constant(unsigned baud) {
  switch (baud) {
    case 9600: return B9600;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    case 460800: return B460800;
    case 921600: return B921600;
    case 1000000: return B1000000;
    case 2000000: return B2000000;
    default: return 0;
  }
}

// A file descriptor link: poll + read/write.
class FdLink : public ByteLink {
 public:
  FdLink(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  ~FdLink() override { ::close(fd_); }
  void write(const uint8_t* p, size_t n) override {
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0 && (errno == EINTR || errno == EAGAIN)) {
        pollfd pfd{fd_, POLLOUT, 0};
        ::poll(&pfd, 1, 100);
        continue;
      }
      if (w <= 0) throw CompileError(name_ + ": write failed: " + std::strerror(errno));
      p += w;
      n -= static_cast<size_t>(w);
    }
  }
  size_t read(uint8_t* p, size_t max, int timeout_ms) override {
    pollfd pfd{fd_, POLLIN, 0};
    const int r = ::poll(&pfd, 1, timeout_ms);
    if (r <= 0) return 0;
    const ssize_t got = ::read(fd_, p, max);
    if (got == 0 || (got < 0 && errno != EINTR && errno != EAGAIN))
      throw CompileError(name_ + ": the connection was closed");
    return got > 0 ? static_cast<size_t>(got) : 0;
  }
  std::string name() const override { return name_; }

 private:
  int fd_;
  std::string name_;
};

}  // namespace

std::string Device::text() const {
  switch (kind) {
    case Kind::Emulator: return "qemu";
    case Kind::M4bench: return "m4bench";
    case Kind::Serial: return "serial:" + path + ":" + std::to_string(baud);
    case Kind::Tcp: return "tcp:" + path + ":" + std::to_string(port);
  }
  return "";
}

Device parse_device(const std::string& spec, const std::string& where) {
  Device d;
  const std::string usage = " (qemu, m4bench, serial:PORT[:BAUD] or tcp:HOST:PORT)";
  if (spec.empty() || spec == "qemu") return d;
  if (spec == "m4bench") {
    d.kind = Device::Kind::M4bench;
    return d;
  }
  if (spec.rfind("serial:", 0) == 0) {
    d.kind = Device::Kind::Serial;
    d.path = spec.substr(7);
    if (const auto c = d.path.rfind(':'); c != std::string::npos && c > 0) {
      if (!parse_uint(d.path.substr(c + 1), &d.baud) || !baud_constant(d.baud))
        throw CompileError(where + ": --device '" + spec + "': unsupported baud rate '" + d.path.substr(c + 1) +
                           "' (9600 .. 2000000)");
      d.path.resize(c);
    }
    if (d.path.empty()) throw CompileError(where + ": --device '" + spec + "': no serial port" + usage);
    return d;
  }
  if (spec.rfind("tcp:", 0) == 0) {
    d.kind = Device::Kind::Tcp;
    const std::string rest = spec.substr(4);
    const auto c = rest.rfind(':');
    if (c == std::string::npos || c == 0 || !parse_uint(rest.substr(c + 1), &d.port) || d.port == 0 || d.port > 65535)
      throw CompileError(where + ": --device '" + spec + "': expected tcp:HOST:PORT");
    d.path = rest.substr(0, c);
    return d;
  }
  throw CompileError(where + ": unknown --device '" + spec + "'" + usage);
}

std::unique_ptr<ByteLink> open_link(const Device& d) {
  if (d.kind == Device::Kind::Serial) {
    const int fd = ::open(d.path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw CompileError(d.path + ": cannot open the serial port: " + std::strerror(errno));
    termios t{};
    if (::tcgetattr(fd, &t) == 0) {  // a pty or a UART: raw 8N1 at the baud rate
      ::cfmakeraw(&t);
      t.c_cflag |= CLOCAL | CREAD;
      t.c_cflag &= ~(CSTOPB | CRTSCTS);
      ::cfsetispeed(&t, baud_constant(d.baud));
      ::cfsetospeed(&t, baud_constant(d.baud));
      if (::tcsetattr(fd, TCSANOW, &t) != 0) {
        const std::string why = std::strerror(errno);
        ::close(fd);
        throw CompileError(d.path + ": cannot set " + std::to_string(d.baud) + " baud: " + why);
      }
      ::tcflush(fd, TCIOFLUSH);
    }
    return std::make_unique<FdLink>(fd, d.text());
  }
  if (d.kind == Device::Kind::Tcp) {
    addrinfo hints{}, *res = nullptr;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    const int gai = ::getaddrinfo(d.path.c_str(), std::to_string(d.port).c_str(), &hints, &res);
    if (gai != 0) throw CompileError(d.text() + ": " + ::gai_strerror(gai));
    std::string why = "no address";
    for (addrinfo* a = res; a; a = a->ai_next) {
      const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
        ::freeaddrinfo(res);
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
        return std::make_unique<FdLink>(fd, d.text());
      }
      why = std::strerror(errno);
      ::close(fd);
    }
    ::freeaddrinfo(res);
    throw CompileError(d.text() + ": cannot connect: " + why);
  }
  throw CompileError("internal: open_link on a " + d.text() + " device");
}

}  // namespace eg::validate
