// Live capture: a non-blocking pcap handle polled in short slices, so that the duration
// and the stop signal are noticed within a fifth of a second even on a silent link.
#include "cli/live_capture.hpp"

#include <pcap/pcap.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>

#include "cli/stop_signal.hpp"

namespace oidu {

namespace {
constexpr int kPollSliceMs = 200;
constexpr int kSnapLength = 65535;  // whole datagrams: OSCORE needs every byte
}  // namespace

struct LiveCapture::Impl {
  pcap_t* pcap = nullptr;
  ~Impl() {
    if (pcap) pcap_close(pcap);
  }
};

LiveCapture::~LiveCapture() = default;

std::string default_live_filter(const std::vector<std::uint16_t>& extra_ports) {
  std::vector<std::uint16_t> ports{5683, 5684};
  for (auto p : extra_ports) {
    if (std::find(ports.begin(), ports.end(), p) == ports.end()) ports.push_back(p);
  }
  std::string filter = "udp and (";
  for (std::size_t i = 0; i < ports.size(); ++i) filter += (i ? " or port " : "port ") + std::to_string(ports[i]);
  return filter + ")";
}

std::unique_ptr<LiveCapture> LiveCapture::open(const LiveOptions& options, std::string* error) {
  const auto fail = [&](std::string message) -> std::unique_ptr<LiveCapture> {
    if (error) *error = options.interface + ": " + std::move(message);
    return nullptr;
  };
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<LiveCapture> live(new LiveCapture());
  live->impl_ = std::make_unique<Impl>();
  live->options_ = options;
  live->filter_ = options.filter;
  pcap_t* pcap = pcap_create(options.interface.c_str(), errbuf);
  if (!pcap) return fail(errbuf);
  live->impl_->pcap = pcap;
  pcap_set_snaplen(pcap, kSnapLength);
  pcap_set_promisc(pcap, 0);
  pcap_set_immediate_mode(pcap, 1);  // a finding as soon as its frame arrives
  pcap_set_tstamp_precision(pcap, PCAP_TSTAMP_PRECISION_MICRO);
  if (const int rc = pcap_activate(pcap); rc < 0) {
    std::string why = pcap_geterr(pcap);
    if (why.empty()) why = pcap_statustostr(rc);
    if (rc == PCAP_ERROR_PERM_DENIED) why += " (live capture needs root or CAP_NET_RAW)";
    return fail(why);
  }
  live->link_type_ = pcap_datalink(pcap);
  if (!link_type_supported(live->link_type_)) {
    return fail("unsupported link type " + std::to_string(live->link_type_) + " (" +
                link_type_label(live->link_type_) + "): no UDP could be read from it");
  }
  bpf_program program{};
  if (pcap_compile(pcap, &program, live->filter_.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return fail("bad filter \"" + live->filter_ + "\": " + pcap_geterr(pcap));
  }
  const int set = pcap_setfilter(pcap, &program);
  pcap_freecode(&program);
  if (set != 0) return fail(std::string("cannot set the filter: ") + pcap_geterr(pcap));
  if (pcap_setnonblock(pcap, 1, errbuf) != 0) return fail(errbuf);
  live->started_ = std::chrono::steady_clock::now();
  return live;
}

bool LiveCapture::next(Frame& frame) {
  const int fd = pcap_get_selectable_fd(impl_->pcap);
  for (;;) {
    if (stop_requested()) return false;
    if (options_.count && frames_ >= options_.count) return false;
    int wait_ms = kPollSliceMs;
    if (options_.duration_s > 0) {
      const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
      if (elapsed >= options_.duration_s) return false;
      wait_ms = std::min(wait_ms, static_cast<int>((options_.duration_s - elapsed) * 1000) + 1);
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(impl_->pcap, &header, &data);
    if (rc == 1) {
      frame = Frame{};
      frame.number = ++frames_;
      frame.time_us = std::int64_t{header->ts.tv_sec} * 1000000 + header->ts.tv_usec;
      frame.time_ns = frame.time_us * 1000;
      frame.captured_length = header->caplen;
      decode_link_frame(link_type_, ByteView(data, header->caplen), frame);
      return true;
    }
    if (rc == PCAP_ERROR_BREAK) return false;
    if (rc < 0) {
      error_ = pcap_geterr(impl_->pcap);
      return false;
    }
    // Nothing waiting: sleep until something is, or the slice is over. EINTR is a
    // signal, which the loop's first test looks at.
    if (fd >= 0) {
      pollfd waiting{fd, POLLIN, 0};
      ::poll(&waiting, 1, wait_ms);
    }
  }
}

}  // namespace oidu
