#include "report.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace nrtm {

namespace {

nlohmann::json SiteJson(const Site& s) {
  return {{"file", s.file},         {"line", s.line},
          {"column", s.column},     {"rule", s.rule},
          {"api", s.api},           {"form", s.form},
          {"id", DiagCode(s.diag)}, {"migrated", s.migrated},
          {"reason", s.reason},     {"severity", std::string(SeverityName(s.severity()))},
          {"kind", s.Kind()}};
}

// A YAML double-quoted scalar.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string JsonReport(const RunOutput& run) {
  nlohmann::json j;
  j["tool"] = "nrt-migrate";
  const Summary& s = run.summary;
  j["summary"] = {{"translation_units", s.tus},
                  {"skipped_by_prefilter", s.tus_skipped},
                  {"parsed", s.tus_parsed},
                  {"failed_to_parse", s.tus_failed},
                  {"text_files", s.text_files},
                  {"sites", s.sites},
                  {"migrated", s.migrated},
                  {"not_migrated", s.not_migrated},
                  {"by_form", s.by_form},
                  {"by_kind", s.by_kind},
                  {"files_changed", s.files_changed},
                  {"files_not_written", s.files_failed},
                  {"seconds", s.seconds}};
  j["sites"] = nlohmann::json::array();
  for (const Site& site : run.sites) j["sites"].push_back(SiteJson(site));
  j["diagnostics"] = nlohmann::json::array();
  for (const Diagnostic& d : run.diags)
    j["diagnostics"].push_back({{"id", DiagCode(d.id)},
                                {"severity", std::string(SeverityName(d.severity))},
                                {"file", d.file},
                                {"line", d.line},
                                {"column", d.column},
                                {"message", d.message}});
  j["exit_code"] = run.exit_code;
  return j.dump(2) + "\n";
}

std::string SarifReport(const RunOutput& run) {
  nlohmann::json results = nlohmann::json::array();
  std::map<std::string, bool> rules;
  for (const Diagnostic& d : run.diags) {
    std::string level = d.severity == Severity::kError     ? "error"
                        : d.severity == Severity::kWarning ? "warning"
                                                           : "note";
    nlohmann::json r = {{"ruleId", DiagCode(d.id)}, {"level", level}, {"message", {{"text", d.message}}}};
    if (!d.file.empty()) {
      nlohmann::json region = nlohmann::json::object();
      if (d.line) region = {{"startLine", d.line}, {"startColumn", d.column ? d.column : 1}};
      r["locations"] = {
          {{"physicalLocation", {{"artifactLocation", {{"uri", "file://" + d.file}}}, {"region", region}}}}};
    }
    results.push_back(r);
    rules[DiagCode(d.id)] = true;
  }
  nlohmann::json rule_list = nlohmann::json::array();
  for (const auto& [id, unused] : rules) rule_list.push_back({{"id", id}, {"helpUri", "nrt-migrate --explain " + id}});
  nlohmann::json sarif = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", {{{"tool", {{"driver", {{"name", "nrt-migrate"}, {"rules", rule_list}}}}}, {"results", results}}}}};
  return sarif.dump(2) + "\n";
}

std::string ExportFixesYaml(const RunOutput& run) {
  std::string out = "---\nMainSourceFile: ''\nDiagnostics:\n";
  std::map<int, std::vector<const Edit*>> by_site;
  std::map<std::string, std::vector<const Edit*>> file_level;
  for (const auto& [file, edits] : run.edits)
    for (const Edit& e : edits) (e.site >= 0 ? by_site[e.site] : file_level[file]).push_back(&e);
  std::map<std::string, bool> file_level_done;
  for (size_t i = 0; i < run.sites.size(); ++i) {
    const Site& s = run.sites[i];
    auto it = by_site.find(static_cast<int>(i));
    if (!s.migrated || it == by_site.end()) continue;
    std::vector<const Edit*> edits = it->second;
    // The helper block rides with the file's first migrated site.
    if (!file_level_done[s.file]) {
      file_level_done[s.file] = true;
      for (const Edit* e : file_level[s.file]) edits.push_back(e);
    }
    out += "  - DiagnosticName: nrt-migrate-" + DiagCode(s.diag) + "\n";
    out += "    DiagnosticMessage:\n";
    out += "      Message: " + Quote(s.reason) + "\n";
    out += "      FilePath: " + Quote(s.file) + "\n";
    out += "      FileOffset: " + std::to_string(s.offset) + "\n";
    out += "      Replacements:\n";
    for (const Edit* e : edits) {
      out += "        - FilePath: " + Quote(e->file) + "\n";
      out += "          Offset: " + std::to_string(e->offset) + "\n";
      out += "          Length: " + std::to_string(e->length) + "\n";
      out += "          ReplacementText: " + Quote(e->text) + "\n";
    }
    out += "    Level: Warning\n";
  }
  out += "...\n";
  return out;
}

std::string SummaryText(const Summary& s) {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "nrt-migrate: %zu translation unit(s): %zu parsed, %zu skipped by the prefilter, %zu failed to parse; "
                "%zu text file(s); %zu site(s): %zu migrated, %zu not migrated; %zu file(s) changed",
                s.tus, s.tus_parsed, s.tus_skipped, s.tus_failed, s.text_files, s.sites, s.migrated, s.not_migrated,
                s.files_changed);
  std::string out = buf;
  if (!s.by_form.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [form, n] : s.by_form) {
      out += (first ? "" : ", ") + form + ": " + std::to_string(n);
      first = false;
    }
    out += ")";
  }
  if (s.files_failed) out += "; " + std::to_string(s.files_failed) + " file(s) NOT written";
  std::snprintf(buf, sizeof buf, "; %.2f s\n", s.seconds);
  return out + buf;
}

}  // namespace nrtm
