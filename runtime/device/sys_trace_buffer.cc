#include "runtime/device/sys_trace_buffer.h"

#include <algorithm>
#include <cstring>

#include "runtime/core/status_names.h"
#include "runtime/device/json_text.h"
#include "runtime/device/xu_id.h"

namespace nrtb {
namespace {

void CopyName(std::string_view s, char* dst, uint8_t* len) {
  size_t n = std::min(s.size(), SysTraceBuffer::kMaxNameBytes);
  if (n != 0) std::memcpy(dst, s.data(), n);  // an empty view may have a null data()
  *len = static_cast<uint8_t>(n);
}

}  // namespace

SysTraceBuffer::SysTraceBuffer(const SysTraceOptions& options, uint32_t lnc_count)
    : capacity_(options.max_events_per_nc), types_(options.types) {
  for (uint32_t i = 0; i < lnc_count; ++i) {
    rings_.push_back(std::make_unique<Ring>());
    rings_.back()->enabled = i >= options.nc_enabled.size() || options.nc_enabled[i];
  }
}

void SysTraceBuffer::Push(Ring& ring, const Event& e) {
  if (ring.tail - ring.head == capacity_) {
    ++ring.head;
    ++ring.dropped;
  }
  size_t slot = static_cast<size_t>(ring.tail % capacity_);
  if (slot == ring.slots.size()) {
    ring.slots.push_back(e);
  } else {
    ring.slots[slot] = e;
  }
  ++ring.tail;
}

void SysTraceBuffer::OnRecord(const TraceRecord& r) {
  if (r.lnc >= rings_.size() || !rings_[r.lnc]->enabled) return;
  Ring& ring = *rings_[r.lnc];
  Event e{};
  e.xu_id = r.xu_id;
  e.status = r.status;
  e.model_id = r.model_id;
  e.seq_num = r.seq_num;
  e.bytes = r.bytes;
  CopyName(r.label, e.name, &e.name_len);
  CopyName(r.detail, e.detail, &e.detail_len);
  std::lock_guard<std::mutex> lock(ring.mu);
  auto push = [&](TraceEventType type, uint64_t ts) {
    if ((types_ & Bit(type)) == 0) return;
    e.type = type;
    e.ts_ns = ts;
    Push(ring, e);
  };
  switch (r.kind) {
    case TraceKind::kRequest:
      push(TraceEventType::kRequestSchedule, r.schedule_ns != 0 ? r.schedule_ns : r.start_ns);
      push(TraceEventType::kRequestStart, r.start_ns);
      // An asynchronous transfer is a tensor op too (trace_event.h); one that failed moved nothing.
      if (XuIdType(r.xu_id) == static_cast<uint32_t>(XuType::kTensorOp) && r.status == NRT_SUCCESS) {
        push(TraceEventType::kTensorOp, r.start_ns);
      }
      push(TraceEventType::kRequestEnd, r.end_ns);
      if (r.status != NRT_SUCCESS) push(TraceEventType::kRequestError, r.end_ns);
      break;
    case TraceKind::kTensorOp:
      push(TraceEventType::kTensorOp, r.start_ns);
      break;
    case TraceKind::kModelLoad:
      push(TraceEventType::kModelLoad, r.start_ns);
      break;
    case TraceKind::kModelUnload:
      push(TraceEventType::kModelUnload, r.start_ns);
      break;
    case TraceKind::kUnitFatal:
      push(TraceEventType::kUnitFatal, r.start_ns);
      break;
  }
}

void SysTraceBuffer::AppendEvent(std::string& out, uint32_t nc, const Event& e) {
  out.append("{\"nc_idx\":");
  AppendJsonUint(out, nc);
  out.append(",\"event_type\":\"").append(TraceEventTypeName(e.type)).append("\",\"timestamp_ns\":");
  AppendJsonUint(out, e.ts_ns);
  switch (e.type) {
    case TraceEventType::kRequestSchedule:
    case TraceEventType::kRequestStart:
    case TraceEventType::kRequestEnd:
    case TraceEventType::kRequestError:
      out.append(",\"xu\":\"").append(XuTypeName(static_cast<XuType>(XuIdType(e.xu_id)))).append("\",\"queue\":");
      AppendJsonUint(out, XuIdQueue(e.xu_id));
      out.append(",\"seq\":");
      AppendJsonUint(out, MakeSeq(e.xu_id, e.seq_num));
      out.append(",\"seq_num\":");
      AppendJsonUint(out, e.seq_num);
      if (e.type == TraceEventType::kRequestEnd || e.type == TraceEventType::kRequestError) {
        out.append(",\"status\":");
        AppendJsonString(out, StatusName(e.status));
      }
      break;
    case TraceEventType::kTensorOp:
      out.append(",\"tensor\":");
      AppendJsonString(out, std::string_view(e.detail, e.detail_len));
      out.append(",\"bytes\":");
      AppendJsonUint(out, e.bytes);
      // An asynchronous transfer's event names its request (a synchronous one has no sequence number).
      if (e.seq_num != 0) {
        out.append(",\"seq\":");
        AppendJsonUint(out, MakeSeq(e.xu_id, e.seq_num));
      }
      break;
    case TraceEventType::kUnitFatal:
      out.append(",\"xu\":\"").append(XuTypeName(static_cast<XuType>(XuIdType(e.xu_id)))).append("\",\"queue\":");
      AppendJsonUint(out, XuIdQueue(e.xu_id));
      out.append(",\"cause\":");
      AppendJsonString(out, std::string_view(e.detail, e.detail_len));
      break;
    case TraceEventType::kModelLoad:
    case TraceEventType::kModelUnload:
      break;
  }
  if (e.model_id != 0) {
    out.append(",\"model_id\":");
    AppendJsonUint(out, e.model_id);
  }
  if (e.type != TraceEventType::kUnitFatal) {
    out.append(",\"name\":");
    AppendJsonString(out, std::string_view(e.name, e.name_len));
  }
  out.push_back('}');
}

std::string SysTraceBuffer::Fetch(int64_t nc, uint64_t max_per_nc) {
  std::string out = "{\"events\":[";
  std::string dropped = "],\"dropped_events\":[";
  bool first_event = true, first_dropped = true;
  for (uint32_t i = 0; i < rings_.size(); ++i) {
    if (nc >= 0 && static_cast<uint64_t>(nc) != i) continue;
    Ring& ring = *rings_[i];
    std::lock_guard<std::mutex> lock(ring.mu);
    if (!ring.enabled) continue;
    uint64_t n = std::min(max_per_nc, ring.tail - ring.head);
    for (uint64_t k = 0; k < n; ++k) {
      if (!first_event) out.push_back(',');
      first_event = false;
      AppendEvent(out, i, ring.slots[static_cast<size_t>((ring.head + k) % capacity_)]);
    }
    ring.head += n;
    if (ring.head == ring.tail) {
      // Drained: give the memory back and start the ring over.
      std::vector<Event>().swap(ring.slots);
      ring.head = ring.tail = 0;
    }
    if (!first_dropped) dropped.push_back(',');
    first_dropped = false;
    dropped.append("{\"nc_idx\":");
    AppendJsonUint(dropped, i);
    dropped.append(",\"count\":");
    AppendJsonUint(dropped, ring.dropped);
    dropped.push_back('}');
    ring.dropped = 0;
  }
  out.append(dropped).append("]}");
  return out;
}

}  // namespace nrtb
