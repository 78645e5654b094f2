// nrt-migrate: rewrites legacy Neuron Runtime code (synchronous or implicit-mode nrt_execute) into explicit
// nrta_* code. See README.md ("Migrating source with nrt-migrate") and `nrt-migrate --help`.
#include <signal.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <iostream>

#include "diagnostics.h"
#include "driver.h"

namespace po = boost::program_options;

namespace {

void OnInterrupt(int) { nrtm::g_interrupted.store(true); }

}  // namespace

int main(int argc, char** argv) {
  // Everything after `--` goes to the compiler, as with clang tools.
  std::vector<std::string> own, extra;
  bool after_dashes = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (!after_dashes && a == "--") {
      after_dashes = true;
      continue;
    }
    // --check=strict is spelled as one token; a bare --check must not swallow the next source as its value.
    if (!after_dashes && a == "--check=strict") a = "--check-strict";
    (after_dashes ? extra : own).push_back(a);
  }
  nrtm::Options opts;
  std::string explain;
  bool in_place = false, diff = false;
  po::options_description desc(
      "nrt-migrate [options] <sources or dirs...> [-- <compiler args>]\n\n"
      "Rewrites nrt_execute-era Neuron Runtime code into explicit nrta_* code and reports every site.\n"
      "Output is a unified diff on stdout unless --in-place, --out-root or --check is given.\n\nOptions");
  desc.add_options()("help,h", "this text")("build-path,p", po::value<std::string>(&opts.build_dir),
                                            "build directory holding compile_commands.json")(
      "diff", po::bool_switch(&diff), "print a unified diff (the default)")(
      "in-place,i", po::bool_switch(&in_place), "rewrite the files (each original kept as FILE.orig)")(
      "no-backup", "with --in-place: keep no .orig copies")("out-root", po::value<std::string>(&opts.out_root),
                                                            "write the changed files into DIR, mirroring --in-root")(
      "in-root", po::value<std::string>(&opts.in_root),
      "only files under DIR are rewritten; its scripts and config files are scanned too (default: current dir)")(
      "check", "write nothing; exit 1 if anything would change or a legacy call remains")(
      "check-strict", "as --check, and report-only findings count too (also spelled --check=strict)")(
      "export-fixes", po::value<std::string>(&opts.export_fixes), "write the edits as clang-apply-replacements YAML")(
      "write-support", po::bool_switch(&opts.write_support),
      "create nrtm_inflight.h (implicit mode's request table) in --in-root if the edits need it and it is not "
      "there: the new file --export-fixes and --diff cannot create")(
      "report", po::value<std::string>(&opts.report_json), "write the per-site report as JSON")(
      "sarif", po::value<std::string>(&opts.sarif), "write the diagnostics as SARIF 2.1.0")(
      "jobs,j", po::value<unsigned>(&opts.jobs), "parallel parses (default: all cores)")(
      "resource-dir", po::value<std::string>(&opts.resource_dir), "clang's resource directory (builtin headers)")(
      "clang-format", po::value<std::string>(&opts.clang_format),
      "clang-format for the edited lines of files under a .clang-format (default: the one matching libclang; "
      "'none': keep the tool's layout)")("extra-arg", po::value<std::vector<std::string>>(),
                                         "one more compiler argument (repeatable)")("quiet,q",
                                                                                    "print no note for migrated sites")(
      "mode", po::value<std::string>()->default_value("auto"),
      "auto (implicit when the program sets the implicit-mode variable or calls a callback, drain or "
      "output-completion API), implicit, or sync")("explain", po::value<std::string>(&explain),
                                                   "print the rationale and an example of a diagnostic id (NRTMxxxx)")(
      "sources", po::value<std::vector<std::string>>(&opts.inputs), "sources or directories");
  po::positional_options_description pos;
  pos.add("sources", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(own).options(desc).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    std::cerr << "nrt-migrate: error: " << e.what() << " (see --help)\n";
    return nrtm::kExitUsage;
  }
  if (vm.count("help")) {
    std::cout << desc
              << "\nExit codes: 0 done, 1 --check found work, 2 usage or setup error, 3 some file did not "
                 "parse or could not be written (or --export-fixes needs --write-support), 130 interrupted.\n";
    return 0;
  }
  if (!explain.empty()) {
    std::string text = nrtm::Explain(explain);
    if (text.empty()) {
      std::cerr << "nrt-migrate: error: unknown diagnostic id '" << explain << "'\n";
      return nrtm::kExitUsage;
    }
    std::cout << text;
    return 0;
  }
  bool checking = vm.count("check") || vm.count("check-strict");
  int modes = (in_place ? 1 : 0) + (vm.count("out-root") ? 1 : 0) + (checking ? 1 : 0) + (diff ? 1 : 0);
  if (modes > 1) {
    std::cerr << "nrt-migrate: error: --diff, --in-place, --out-root and --check exclude each other\n";
    return nrtm::kExitUsage;
  }
  if (checking && opts.write_support) {
    std::cerr << "nrt-migrate: error: --check writes nothing; --write-support does not go with it\n";
    return nrtm::kExitUsage;
  }
  opts.mode = in_place               ? nrtm::OutputMode::kInPlace
              : vm.count("out-root") ? nrtm::OutputMode::kOutRoot
              : checking             ? nrtm::OutputMode::kCheck
                                     : nrtm::OutputMode::kDiff;
  opts.check_strict = vm.count("check-strict") > 0;
  opts.backup = !vm.count("no-backup");
  opts.quiet = vm.count("quiet") > 0;
  const std::string mode = vm["mode"].as<std::string>();
  if (mode == "implicit") {
    opts.program_mode = nrtm::ModeOption::kImplicit;
  } else if (mode == "sync") {
    opts.program_mode = nrtm::ModeOption::kSync;
  } else if (mode != "auto") {
    std::cerr << "nrt-migrate: error: --mode must be auto, implicit or sync, not '" << mode << "'\n";
    return nrtm::kExitUsage;
  }
  if (vm.count("extra-arg")) {
    for (const std::string& a : vm["extra-arg"].as<std::vector<std::string>>()) extra.push_back(a);
  }
  opts.extra_args = extra;
  opts.progress = isatty(STDERR_FILENO) != 0;
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  try {
    return nrtm::Run(opts, std::cout, std::cerr).exit_code;
  } catch (const std::exception& e) {
    // E.g. the current directory was removed under the run, or memory ran out. Every write is atomic, so what
    // was not written is untouched.
    std::cerr << "nrt-migrate: error: " << e.what() << "; stopped\n";
    return nrtm::kExitPartial;
  }
}
