//! The census of bad inputs: each row is something a person, a file or a
//! machine gets wrong, the command it reaches, the exit code it must give and
//! a fragment of the message that must say why. Rows need no website; the
//! few that need a browser use one that cannot start. Every row also checks
//! that nothing panicked and that no control character reached the output.
//!
//! README's "Reliability" section reports how many inputs this covers (a
//! test below keeps the number true).

use std::path::Path;

use crate::support::{repo, Env};

/// A rule file every rule row edits: valid as it stands.
const GOOD_RULE: &str = r#"[platform]
id = "good"
name = "Example"
domains = ["www.example.com"]
base_url = "https://www.example.com"
verified = "2026-11-20"

[login]
url = "/login"
signed_in = { role = "button", name = "Account" }

[[setting]]
id = "ai"
label = "AI training"
category = "ai-training"
page = "/settings"
control = { role = "switch", name = "Use my data" }
private_value = "off"
source = "https://www.example.com/help"
"#;

/// What a row writes before it runs.
enum Setup {
    None,
    /// `good.toml` in the scratch directory: GOOD_RULE with one edit.
    Rule(&'static str, &'static str),
    /// `good.toml`: GOOD_RULE with a block appended.
    RuleAppend(&'static str),
    /// The profile (`<config>/profile.toml`).
    Profile(&'static str),
    /// `<config>/accounts.toml`.
    Accounts(&'static str),
    /// A file in the scratch directory, by name.
    File(&'static str, &'static [u8]),
    /// The history file (`<data>/history.sqlite`).
    History(&'static [u8]),
    /// A file where the data directory should be.
    DataDirIsAFile,
}

struct Row {
    what: &'static str,
    setup: Setup,
    /// `{tmp}` is the scratch directory.
    args: &'static [&'static str],
    env: &'static [(&'static str, &'static str)],
    exit: i32,
    says: &'static str,
}

const fn row(what: &'static str, args: &'static [&'static str], exit: i32, says: &'static str) -> Row {
    Row {
        what,
        setup: Setup::None,
        args,
        env: &[],
        exit,
        says,
    }
}

const fn with(what: &'static str, setup: Setup, args: &'static [&'static str], exit: i32, says: &'static str) -> Row {
    Row {
        what,
        setup,
        args,
        env: &[],
        exit,
        says,
    }
}

const fn env(
    what: &'static str,
    vars: &'static [(&'static str, &'static str)],
    args: &'static [&'static str],
    exit: i32,
    says: &'static str,
) -> Row {
    Row {
        what,
        setup: Setup::None,
        args,
        env: vars,
        exit,
        says,
    }
}

const LINT: &[&str] = &["rules", "lint", "{tmp}/good.toml"];
const LINT_STRICT: &[&str] = &["rules", "lint", "--deny-warnings", "{tmp}/good.toml"];
const RULES: &[&str] = &["--rules", "{tmp}/good.toml", "rules", "list"];
const CHECK_NO_BROWSER: &[&str] = &["check", "linkedin", "--browser", "/nonexistent/chromium"];
const PROFILE_CHECK: &[&str] = &["check", "linkedin", "--browser", "/nonexistent/chromium"];
const COOKIES: &[&str] = &[
    "login",
    "linkedin",
    "--cookies",
    "{tmp}/cookies.txt",
    "--browser",
    "/nonexistent/chromium",
];

fn census() -> Vec<Row> {
    use Setup::*;
    vec![
        // --- The command line -------------------------------------------
        row("unknown command", &["bogus"], 2, "unrecognized subcommand"),
        row("unknown flag", &["check", "--bogus"], 2, "unexpected argument"),
        row("bad --format", &["check", "--format", "bogus"], 2, "possible values"),
        row("--timeout not a number", &["check", "--timeout", "abc"], 2, "--timeout"),
        row("--timeout negative", &["check", "--timeout", "-5"], 2, "unexpected argument '-5'"),
        row("--browser-wait not a number", &["check", "--browser-wait", "soon"], 2, "--browser-wait"),
        row("--jobs not a number", &["check", "--jobs", "many"], 2, "--jobs"),
        row("bad --color", &["--color", "sometimes", "check"], 2, "possible values"),
        row("unknown platform", &["check", "nosuch"], 2, "unknown platform `nosuch`"),
        row("unknown setting", &["check", "linkedin.nosuch"], 2, "linkedin has no setting `nosuch`"),
        row("unknown category", &["check", "--category", "bogus"], 2, "unknown category `bogus`"),
        row("--base-url without =", &["check", "--base-url", "linkedin"], 2, "expected PLATFORM=URL"),
        row("--base-url for an unknown platform", &["check", "--base-url", "nosuch=http://127.0.0.1:1"], 2, "unknown platform `nosuch`"),
        row("--base-url not a URL", &["check", "--base-url", "linkedin=notaurl"], 2, "is not a URL"),
        row("--since garbage", &["history", "--since", "garbage"], 2, "neither a duration"),
        row("--since in words", &["history", "--since", "last tuesday"], 2, "neither a duration"),
        row("--limit not a number", &["history", "--limit", "abc"], 2, "--limit"),
        row("--run that does not exist", &["history", "--run", "999"], 2, "there is no run #999"),
        row("prune --keep garbage", &["history", "prune", "--keep", "garbage"], 2, "neither a duration"),
        row("history of an unknown platform", &["history", "nosuch"], 2, "unknown platform `nosuch`"),
        row("revert an unknown platform", &["revert", "nosuch"], 2, "neither a run number"),
        row("revert an unknown setting", &["revert", "linkedin.bogus"], 2, "neither a run number"),
        row("revert a run with no history", &["revert", "#999", "--yes"], 2, "no run is recorded yet"),
        row("revert a run number and --last", &["revert", "12", "--last"], 2, "not both"),
        row("policy of an unknown platform", &["policy", "show", "nosuch"], 2, "no rules for platform `nosuch`"),
        row("rules show of an unknown platform", &["rules", "show", "nosuch"], 2, "unknown platform `nosuch`"),
        row("login to an unknown platform", &["login", "nosuch"], 2, "unknown platform `nosuch`"),
        row("login where nothing signs in", &["login", "snapchat"], 2, "nothing to sign in to"),
        row("auth set without a user name", &["auth", "set", "linkedin"], 2, "--username"),
        row("auth set where no form is known", &["auth", "set", "snapchat", "--username", "me"], 2, "snapchat"),
        row("logout of an unknown platform", &["logout", "nosuch"], 2, "no rules for platform `nosuch`"),
        row("--remind-after garbage", &["check", "--remind-after", "garbage"], 2, "neither a duration"),
        row("--heartbeat garbage", &["check", "--heartbeat", "garbage"], 2, "neither a duration"),
        row("--browser that does not exist", CHECK_NO_BROWSER, 2, "does not exist or is not executable"),
        row("--browser that is a directory", &["check", "linkedin", "--browser", "/tmp"], 2, "not executable"),
        row("--rules that does not exist", &["--rules", "/nonexistent/rules", "check"], 2, "no such file or directory"),
        row("--browser-ws not a URL", &["check", "linkedin", "--browser-ws", "garbage?token=SECRET1"], 2, "not a URL"),
        row("--browser-ws with another scheme", &["check", "linkedin", "--browser-ws", "ftp://h/?token=SECRET1"], 2, "not a ws://"),
        row("--browser-ws nobody answers", &["check", "linkedin", "--browser-ws", "ws://127.0.0.1:9/?token=SECRET1", "--browser-wait", "3"], 3, "could not connect"),
        row("--browser-profile with --browser-ws", &["check", "linkedin", "--browser-ws", "ws://127.0.0.1:9/", "--browser-profile", "/tmp"], 2, "cannot be used together"),
        row("apply without a terminal or --yes", &["apply", "linkedin", "--browser", "/nonexistent/chromium"], 2, "no terminal to ask on"),
        row("login --cookies without the file", &["login", "linkedin", "--cookies", "/nonexistent/cookies.txt"], 2, "cannot read /nonexistent/cookies.txt"),
        row("--profile that does not exist", &["check", "linkedin", "--profile", "/nonexistent/profile.toml", "--browser", "/nonexistent/chromium"], 2, "/nonexistent/profile.toml"),
        row("profile init over an existing file", &["profile", "init", "--force", "--preset", "bogus"], 2, "possible values"),
        row("defaults in a bad format", &["defaults", "--format", "pdf"], 2, "possible values"),
        row("schema of nothing", &["schema", "bogus"], 2, "bogus"),
        row("completions for an unknown shell", &["completions", "tcsh"], 2, "possible values"),
        row("--base-url with a password", &["check", "linkedin", "--base-url", "linkedin=http://me:SECRET1@127.0.0.1:1/"], 2, "carries a user name or password"),
        row("--browser-ws that is a bare user:password@host", &["check", "linkedin", "--browser-ws", "u:SECRET1@127.0.0.1:1"], 2, "not a ws://"),
        row("--browser-ws with a token in its path", &["check", "linkedin", "--browser-ws", "ws://127.0.0.1:9/token/SECRET1", "--browser-wait", "3"], 3, "could not connect"),
        row("--browser-ws with a token in its fragment", &["check", "linkedin", "--browser-ws", "ws://127.0.0.1:9/#SECRET1", "--browser-wait", "3"], 3, "could not connect"),
        row("an argument holding an escape sequence", &["check", "linkedin\x1b[8mX"], 2, "holds a control character"),
        row("an argument holding a title sequence", &["check", "--category", "\x1b]0;pwned\x07"], 2, "holds a control character"),
        row("--timeout 0", &["check", "--timeout", "0"], 2, "--timeout"),
        row("--timeout of centuries", &["check", "--timeout", "18446744073709551615"], 2, "--timeout"),
        row("--browser-wait 0", &["check", "--browser-wait", "0"], 2, "--browser-wait"),
        row("--lock-wait of centuries", &["check", "--lock-wait", "18446744073709551615"], 2, "--lock-wait"),
        row("--since of a billion weeks", &["history", "--since", "9999999999weeks"], 2, "thousand years"),
        row("prune --keep of centuries", &["history", "prune", "--keep", "99999999999d"], 2, "thousand years"),
        // --- The environment ---------------------------------------------
        env("PRIVAUDIT_HISTORY_KEEP of centuries", &[("PRIVAUDIT_HISTORY_KEEP", "9999999999weeks")], CHECK_NO_BROWSER, 2, "thousand years"),
        env("a PRIVAUDIT_ setting holding an escape sequence", &[("PRIVAUDIT_FORMAT", "json\x1b[8m")], &["check"], 2, "PRIVAUDIT_FORMAT holds a control character"),
        env("PRIVAUDIT_TIMEOUT not a number", &[("PRIVAUDIT_TIMEOUT", "abc")], &["check"], 2, "--timeout"),
        env("PRIVAUDIT_JOBS not a number", &[("PRIVAUDIT_JOBS", "x")], &["check"], 2, "--jobs"),
        env("PRIVAUDIT_BROWSER_WAIT not a number", &[("PRIVAUDIT_BROWSER_WAIT", "x")], &["check"], 2, "--browser-wait"),
        env("PRIVAUDIT_HISTORY_KEEP garbage", &[("PRIVAUDIT_HISTORY_KEEP", "forever-ish")], CHECK_NO_BROWSER, 2, "PRIVAUDIT_HISTORY_KEEP"),
        env("PRIVAUDIT_BROWSER that does not exist", &[("PRIVAUDIT_BROWSER", "/nonexistent/chromium")], &["check", "linkedin"], 2, "does not exist"),
        env("PRIVAUDIT_BROWSER_WS garbage", &[("PRIVAUDIT_BROWSER_WS", "nonsense")], &["check", "linkedin"], 2, "not a URL"),
        env("PRIVAUDIT_COMMAND_TIMEOUT garbage", &[("PRIVAUDIT_COMMAND_TIMEOUT", "soon")], &["doctor"], 2, "--command-timeout"),
        // --- Rule files --------------------------------------------------
        with("rule: not TOML", Rule("[platform]", "[platform"), LINT, 2, "syntax"),
        with("rule: unknown key", Rule("verified = ", "verifed = \"x\"\nverified = "), LINT, 2, "unknown-field"),
        with("rule: id missing", Rule("id = \"good\"\n", ""), LINT, 2, "missing-field"),
        with("rule: id not kebab-case", Rule("id = \"good\"", "id = \"Good Rule\""), LINT, 2, "bad-id"),
        with("rule: setting id not kebab-case", Rule("id = \"ai\"", "id = \"AI_training\""), LINT, 2, "bad-id"),
        with("rule: no domains", Rule("domains = [\"www.example.com\"]", "domains = []"), LINT, 2, "no-domains"),
        with("rule: domains not a list", Rule("domains = [\"www.example.com\"]", "domains = \"www.example.com\""), LINT, 2, "invalid-type"),
        with("rule: a wildcard over a TLD", Rule("[\"www.example.com\"]", "[\"www.example.com\", \"*.com\"]"), LINT, 2, "public suffix"),
        with("rule: a bare public suffix", Rule("[\"www.example.com\"]", "[\"www.example.com\", \"co.uk\"]"), LINT, 2, "public suffix"),
        with("rule: a private public suffix", Rule("[\"www.example.com\"]", "[\"www.example.com\", \"*.github.io\"]"), LINT, 2, "public suffix"),
        with("rule: an IP address", Rule("[\"www.example.com\"]", "[\"www.example.com\", \"10.0.0.7\"]"), LINT, 2, "IP address"),
        with("rule: an IPv6 address", Rule("[\"www.example.com\"]", "[\"www.example.com\", \"[::1]\"]"), LINT, 2, "bad-domain"),
        with("rule: a wildcard in the middle", Rule("[\"www.example.com\"]", "[\"www.example.com\", \"www.*.example.com\"]"), LINT, 2, "wildcard"),
        with("rule: a lone wildcard", Rule("[\"www.example.com\"]", "[\"www.example.com\", \"*\"]"), LINT, 2, "bad-domain"),
        with("rule: a domain with a path", Rule("[\"www.example.com\"]", "[\"www.example.com/x\"]"), LINT, 2, "not a host name"),
        with("rule: a domain with a port", Rule("[\"www.example.com\"]", "[\"www.example.com:8443\"]"), LINT, 2, "not a host name"),
        with("rule: an unknown TLD", Rule("[\"www.example.com\"]", "[\"www.example.notatld\"]"), LINT, 2, "public suffix"),
        with("rule: credentials in base_url", Rule("base_url = \"https://www.example.com\"", "base_url = \"https://admin:hunter2@www.example.com\""), LINT, 2, "credentials-in-url"),
        with("rule: credentials in a source", Rule("source = \"https://www.example.com/help\"", "source = \"https://u:SECRET1@www.example.com/help\""), LINT, 2, "credentials-in-url"),
        with("rule: credentials in a comment", Rule("[platform]", "# see https://me:pw@wiki.example.com\n[platform]"), LINT, 2, "credentials-in-url"),
        with("rule: credentials without the slashes", Rule("source = \"https://www.example.com/help\"", "source = \"https:me:SECRET1@www.example.com/help\""), LINT, 2, "credentials-in-url"),
        with("rule: a line break escaped in a label", Rule("label = \"AI training\"", "label = \"AI training\\n  private value: on\""), LINT, 2, "control-character"),
        with("rule: a multi-line label", Rule("label = \"AI training\"", "label = \"\"\"AI\ntraining\"\"\""), LINT, 2, "multi-line string"),
        with("rule: an eight-digit escape", Rule("label = \"AI training\"", "label = \"AI\\U0000001btraining\""), LINT, 2, "`\\U0000001b` writes"),
        with("rule: a label starting with a hyphen", Rule("[\"www.example.com\"]", "[\"www.-example.com\"]"), LINT, 2, "not a host name"),
        with("rule: base_url over http", Rule("base_url = \"https://", "base_url = \"http://"), LINT, 2, "bad-url"),
        with("rule: base_url outside domains", Rule("base_url = \"https://www.example.com\"", "base_url = \"https://evil.example.net\""), LINT, 2, "base-url-outside-domains"),
        with("rule: page that is not a path", Rule("page = \"/settings\"", "page = \"settings\""), LINT, 2, "page-not-relative"),
        with("rule: page on another site", Rule("page = \"/settings\"", "page = \"https://evil.example.net/settings\""), LINT, 2, "page-outside-domains"),
        with("rule: page over http", Rule("page = \"/settings\"", "page = \"http://www.example.com/settings\""), LINT, 2, "page-not-relative"),
        with("rule: no source", Rule("source = \"https://www.example.com/help\"\n", ""), LINT, 2, "missing-source"),
        with("rule: source not https", Rule("source = \"https://www", "source = \"ftp://www"), LINT, 2, "bad-url"),
        with("rule: two settings with one id", RuleAppend("[[setting]]\nid = \"ai\"\nlabel = \"Again\"\ncategory = \"other\"\npage = \"/x\"\ncontrol = { role = \"switch\", name = \"Again\" }\nprivate_value = \"off\"\nsource = \"https://www.example.com/help\"\n"), LINT, 2, "duplicate-setting-id"),
        with("rule: a regex that does not compile", Rule("name = \"Use my data\" }", "name_regex = \"(unclosed\" }"), LINT, 2, "bad-regex"),
        with("rule: a locator that names nothing", Rule("control = { role = \"switch\", name = \"Use my data\" }", "control = {}"), LINT, 2, "empty-locator"),
        with("rule: name and name_regex together", Rule("name = \"Use my data\" }", "name = \"Use my data\", name_regex = \"Use\" }"), LINT, 2, "ambiguous-locator"),
        with("rule: a control without a name", Rule("control = { role = \"switch\", name = \"Use my data\" }", "control = { role = \"switch\" }"), LINT, 2, "unnamed-control"),
        with("rule: a role that holds no state", Rule("role = \"switch\"", "role = \"heading\""), LINT, 2, "unreadable-role"),
        with("rule: an unknown role (warning, denied)", Rule("role = \"switch\"", "role = \"swtich\""), LINT_STRICT, 2, "unknown-role"),
        with("rule: a toggle set to a word", Rule("private_value = \"off\"", "private_value = \"maybe\""), LINT, 2, "invalid-private-value"),
        with("rule: an empty private value", Rule("private_value = \"off\"", "private_value = \"\""), LINT, 2, "invalid-private-value"),
        with("rule: no private value", Rule("private_value = \"off\"\n", ""), LINT, 2, "incomplete-setting"),
        with("rule: an unknown category", Rule("category = \"ai-training\"", "category = \"ai\""), LINT, 2, "invalid-value"),
        with("rule: manual with a control", Rule("page = \"/settings\"", "manual = { url = \"https://www.example.com/form\", steps = [\"Fill it in\"] }\npage = \"/settings\""), LINT, 2, "manual-with-control"),
        with("rule: manual without steps", RuleAppend("[[setting]]\nid = \"form\"\nlabel = \"Form\"\ncategory = \"other\"\nmanual = { url = \"https://www.example.com/form\", steps = [] }\nsource = \"https://www.example.com/help\"\n"), LINT, 2, "manual-without-steps"),
        with("rule: a step with two actions", Rule("private_value = \"off\"", "private_value = \"off\"\napply = [{ check = \"control\", uncheck = \"control\" }]"), LINT, 2, "bad-step"),
        with("rule: a step with no action", Rule("private_value = \"off\"", "private_value = \"off\"\napply = [{}]"), LINT, 2, "bad-step"),
        with("rule: fill into a password field", Rule("private_value = \"off\"", "private_value = \"off\"\napply = [{ fill = { target = { role = \"textbox\", name = \"Password\" }, value = \"x\" } }]"), LINT, 2, "secret-fill"),
        with("rule: fill into a German password field", Rule("private_value = \"off\"", "private_value = \"off\"\napply = [{ fill = { target = { role = \"textbox\", name = \"Kennwort\" }, value = \"x\" } }]"), LINT, 2, "secret-fill"),
        with("rule: select on a switch", Rule("private_value = \"off\"", "private_value = \"off\"\napply = [{ select = \"Off\" }]"), LINT, 2, "select-on-toggle"),
        with("rule: a sign-in form without a password field", Rule("signed_in = { role = \"button\", name = \"Account\" }", "signed_in = { role = \"button\", name = \"Account\" }\nusername = { role = \"textbox\", name = \"Email\" }"), LINT, 2, "incomplete-login-form"),
        with("rule: a date that is not a date", Rule("verified = \"2026-11-20\"", "verified = \"20/11/2026\""), LINT, 2, "bad-date"),
        with("rule: a date in the future", Rule("verified = \"2026-11-20\"", "verified = \"2099-01-01\""), LINT, 2, "bad-date"),
        with("rule: an unknown fact marked unverified", Rule("private_value = \"off\"", "private_value = \"off\"\nunverified = [\"colour\"]"), LINT, 2, "unknown-fact"),
        with("rule: an escape sequence in a label", Rule("label = \"AI training\"", "label = \"AI training\\u001b]0;pwned\\u0007\""), LINT, 2, "control-character"),
        with("rule: a bidi override in a label", Rule("label = \"AI training\"", "label = \"AI \u{202e}gniniart\""), LINT, 2, "control-character"),
        with("rule: a raw control character", Rule("label = \"AI training\"", "label = \"AI\u{7}training\""), LINT, 2, "control-character"),
        with("rule: not UTF-8", File("good.toml", b"[platform]\nid = \"g\xffood\"\n"), LINT, 2, "good.toml:2:8: not valid UTF-8"),
        with("rule: an empty file", File("good.toml", b""), LINT, 2, "missing-field"),
        with("rule: a value of the wrong type", Rule("verified = \"2026-11-20\"", "verified = 2026"), LINT, 2, "invalid-type"),
        with("rule: a broken rule refuses every command", Rule("private_value = \"off\"", "private_value = \"maybe\""), RULES, 2, "invalid-private-value"),
        row("rules lint of a missing file", &["rules", "lint", "/nonexistent/x.toml"], 2, "/nonexistent/x.toml"),
        // --- The profile -------------------------------------------------
        with("profile: not TOML", Profile("[categories\n"), PROFILE_CHECK, 2, "profile.toml"),
        with("profile: unknown key", Profile("presett = \"strict\"\n"), PROFILE_CHECK, 2, "presett"),
        with("profile: unknown preset", Profile("preset = \"paranoid\"\n"), PROFILE_CHECK, 2, "paranoid"),
        with("profile: a category typo", Profile("[categories]\nai-training = \"privat\"\n"), PROFILE_CHECK, 2, "did you mean"),
        with("profile: an unknown category", Profile("[categories]\nai = \"private\"\n"), PROFILE_CHECK, 2, "ai"),
        with("profile: a switch set to a word", Profile("[settings]\n\"linkedin.generative-ai-data\" = \"maybe\"\n"), PROFILE_CHECK, 2, "maybe"),
        with("profile: a typo refuses apply before any browser", Profile("[categories]\nai-training = \"privat\"\n"), &["apply", "linkedin", "--yes", "--browser", "/nonexistent/chromium"], 2, "did you mean"),
        with("profile: an unknown setting", Profile("[settings]\n\"linkedin.nosuch\" = \"off\"\n"), PROFILE_CHECK, 2, "nosuch"),
        with("profile: a key that is not platform.setting", Profile("[settings]\n\"linkedin\" = \"off\"\n"), PROFILE_CHECK, 2, "platform.setting"),
        with("profile: platforms not a list", Profile("platforms = \"linkedin\"\n"), PROFILE_CHECK, 2, "profile.toml"),
        with("profile: an unknown platform in the list", Profile("platforms = [\"linkdin\"]\n"), PROFILE_CHECK, 2, "linkdin"),
        with("profile: an escape sequence in a value", Profile("[settings]\n\"linkedin.generative-ai-data\" = \"off\\u001b[8m\"\n"), PROFILE_CHECK, 2, "control-character"),
        with("profile: on/off for a category with choices", Profile("[categories]\nad-personalisation = \"off\"\n"), PROFILE_CHECK, 2, "are not audited"),
        with("profile: not UTF-8", File("profile.toml", b"preset = \"str\xffict\"\n"), &["check", "linkedin", "--profile", "{tmp}/profile.toml"], 2, "not valid UTF-8"),
        with("profile: a directory", File("profile.toml/.keep", b""), &["check", "linkedin", "--profile", "{tmp}/profile.toml"], 2, "profile.toml"),
        // --- Cookie exports ----------------------------------------------
        with("cookies: six fields", File("cookies.txt", b".linkedin.com\tTRUE\t/\tTRUE\t0\tli_at\n"), COOKIES, 2, "line 1 is not a cookies.txt line"),
        with("cookies: an infinite expiry", File("cookies.txt", b"# Netscape HTTP Cookie File\n.linkedin.com\tTRUE\t/\tTRUE\tinf\tli_at\tSECRET1\n"), COOKIES, 2, "line 2: the expiry"),
        with("cookies: a NaN expiry", File("cookies.txt", b".linkedin.com\tTRUE\t/\tTRUE\tNaN\tli_at\tSECRET1\n"), COOKIES, 2, "line 1: the expiry"),
        with("cookies: JSON that is not an export", File("cookies.txt", b"[{\"name\": 1}]"), COOKIES, 2, "not a JSON cookie export"),
        with("cookies: only expired", File("cookies.txt", b".linkedin.com\tTRUE\t/\tTRUE\t1000000000\tli_at\tSECRET1\n"), COOKIES, 2, "has expired"),
        with("cookies: only for a public suffix", File("cookies.txt", b".com\tTRUE\t/\tTRUE\t0\tli_at\tSECRET1\n"), COOKIES, 2, "has no cookies for"),
        with("cookies: only for another site", File("cookies.txt", b".example.org\tTRUE\t/\tTRUE\t0\tsid\tSECRET1\n"), COOKIES, 2, "has no cookies for"),
        with("cookies: not UTF-8", File("cookies.txt", b".linkedin.com\tTRUE\t/\tTRUE\t0\tli_at\t\xff\n"), COOKIES, 2, "not valid UTF-8"),
        with("cookies: a byte-order mark is not content", File("cookies.txt", b"\xef\xbb\xbf.linkedin.com\tTRUE\t/\tTRUE\t0\tli_at\tSECRET1\n"), COOKIES, 2, "does not exist"),
        with("cookies: a JSON object", File("cookies.txt", b"{\"cookies\": []}"), COOKIES, 2, "a JSON object"),
        with("cookies: an empty file", File("cookies.txt", b""), COOKIES, 2, "has no cookies for"),
        // --- Stored state ------------------------------------------------
        with("history: not a database", History(b"garbage garbage garbage garbage"), &["history"], 2, "move it aside"),
        with("history: damaged, check still runs", History(b"garbage garbage garbage garbage"), CHECK_NO_BROWSER, 2, "does not exist"),
        with("data directory is a file: history", DataDirIsAFile, &["history"], 2, "is a file, not a directory"),
        with("data directory is a file: check", DataDirIsAFile, &["check", "linkedin", "--browser", "/nonexistent/chromium"], 2, "is a file, not a directory"),
        with("accounts: not TOML", Accounts("[linkedin\n"), &["auth", "show", "linkedin"], 2, "accounts.toml"),
        with("accounts: unknown key", Accounts("[linkedin]\nusername = \"me\"\npasword_command = \"x\"\n"), &["auth", "show", "linkedin"], 2, "accounts.toml"),
        // --- Journalists: survey files, datasets, reports ----------------
        row("survey: no such file", &["survey", "{tmp}/none.toml", "-o", "{tmp}/out"], 2, "cannot read"),
        with("survey: a misspelt key", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\nregoin = \"EU\"\n"), SURVEY, 2, "survey.toml:4:1"),
        with("survey: a label that is a path", File("survey.toml", b"[[account]]\nlabel = \"../a\"\ndata_dir = \".\"\n"), SURVEY, 2, "names a folder"),
        with("survey: a data_dir that does not exist", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \"nowhere\"\n"), SURVEY, 2, "privaudit login"),
        with("survey: no account", File("survey.toml", b"# nothing yet\n"), SURVEY, 2, "no [[account]]"),
        with("survey: a creation date that is not a date", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\ncreated = \"last week\"\n"), SURVEY, 2, "not a date"),
        with("survey: the same label twice", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\n[[account]]\nlabel = \"a\"\ndata_dir = \".\"\n"), SURVEY, 2, "listed twice"),
        with("survey: an account without a saved session", File("survey.toml", SURVEY_ONE), SURVEY, 2, "has no saved session"),
        with("survey: an unknown platform", File("survey.toml", SURVEY_ONE), &["survey", "{tmp}/survey.toml", "-o", "{tmp}/out", "--platform", "nosuch"], 2, "nosuch"),
        with("survey: into a folder that holds files", File("survey.toml", SURVEY_ONE), &["survey", "{tmp}/survey.toml", "-o", "{tmp}", "--platform", "linkedin"], 2, "already holds files"),
        with("survey: apply's --yes", File("survey.toml", SURVEY_ONE), &["survey", "{tmp}/survey.toml", "-o", "{tmp}/out", "--yes"], 2, "--yes"),
        row("dataset verify: no such folder", &["dataset", "verify", "{tmp}/none"], 2, "is not a dataset folder"),
        with("dataset verify: no manifest", File("ds/data.json", b"{}"), &["dataset", "verify", "{tmp}/ds"], 1, "MANIFEST.sha256 is missing"),
        with("dataset verify: a manifest line that is not one", File("ds/MANIFEST.sha256", b"nonsense\n"), &["dataset", "verify", "{tmp}/ds"], 1, "line 1"),
        with("dataset verify: a manifest pointing outside", File("ds/MANIFEST.sha256", b"0000000000000000000000000000000000000000000000000000000000000000  ../secrets\n"), &["dataset", "verify", "{tmp}/ds"], 1, "outside the dataset"),
        with("dataset verify: a file no manifest lists", File("ds/MANIFEST.sha256", b""), &["dataset", "verify", "{tmp}/ds"], 1, "data.json"),
        with("dataset verify: a public key that is none", File("ds/MANIFEST.sha256", b""), &["dataset", "verify", "{tmp}/ds", "-P", "RWnot-a-key"], 2, "neither a file nor a minisign key"),
        with("dataset sign: a dataset that does not verify", File("ds/data.json", b"{}"), &["dataset", "sign", "{tmp}/ds", "--secret-key", "{tmp}/none.key"], 2, "does not verify"),
        row("dataset export: no history", &["dataset", "export", "-o", "{tmp}/out"], 2, "no run is recorded yet"),
        row("report: no history and no dataset", &["report", "--html", "-o", "{tmp}/r.html"], 2, "no run is recorded yet"),
        with("report: a dataset that does not verify", File("ds/data.json", b"{}"), &["report", "--html", "{tmp}/ds", "-o", "{tmp}/r.html"], 2, "does not verify"),
        with("survey: two accounts in one data_dir", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\n[[account]]\nlabel = \"b\"\ndata_dir = \"./\"\n"), SURVEY, 2, "another account's too"),
        with("survey: a base_url that is not http", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\nbase_url = { linkedin = \"file:///etc\" }\n"), SURVEY, 2, "base_url for linkedin"),
        with("survey: a base_url with a password", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\nbase_url = { linkedin = \"https://me:hunter2@example.com/\" }\n"), SURVEY, 2, "user name or password"),
        row("report: neither a run nor a folder", &["report", "--html", "ds-typo", "-o", "{tmp}/r.html"], 2, "neither a run number nor a dataset folder"),
        row("dataset export: a label that is a path", &["dataset", "export", "-o", "{tmp}/out", "--label", "../x"], 2, "--label"),
        row("dataset export: a region that is not a country", &["dataset", "export", "-o", "{tmp}/out", "--region", "XX"], 2, "not an ISO 3166-1"),
        with("survey: a region that is not a country", File("survey.toml", b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\nregion = \"Europe\"\n"), SURVEY, 2, "region `Europe`"),
        with("dataset verify: a signature that is none", File("ds/MANIFEST.sha256.minisig", b"I am not a signature\n"), &["dataset", "verify", "{tmp}/ds"], 1, "MANIFEST.sha256 is missing"),
        with("defaults --observed: not a dataset", File("ds/data.json", b"{\"format_version\": 9}"), &["defaults", "--observed", "{tmp}/ds"], 2, "does not verify"),
    ]
}

/// `survey {tmp}/survey.toml -o {tmp}/out`.
const SURVEY: &[&str] = &["survey", "{tmp}/survey.toml", "-o", "{tmp}/out"];

/// One account whose data directory is the scratch directory.
const SURVEY_ONE: &[u8] = b"[[account]]\nlabel = \"a\"\ndata_dir = \".\"\n";

fn prepare(row: &Row, env: &Env, tmp: &Path) {
    let write = |path: &Path, bytes: &[u8]| {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(path, bytes).expect("write");
    };
    match &row.setup {
        Setup::None => {}
        Setup::Rule(from, to) => {
            assert!(GOOD_RULE.contains(from), "{}: `{from}` is not in the rule", row.what);
            write(&tmp.join("good.toml"), GOOD_RULE.replacen(from, to, 1).as_bytes());
        }
        Setup::RuleAppend(block) => write(&tmp.join("good.toml"), format!("{GOOD_RULE}\n{block}").as_bytes()),
        Setup::Profile(text) => write(&env.config.path().join("profile.toml"), text.as_bytes()),
        Setup::Accounts(text) => write(&env.config.path().join("accounts.toml"), text.as_bytes()),
        Setup::File(name, bytes) => write(&tmp.join(name), bytes),
        Setup::History(bytes) => write(&env.data.path().join("history.sqlite"), bytes),
        Setup::DataDirIsAFile => {}
    }
}

/// Runs one row; returns what went wrong, if anything.
fn run(row: &Row) -> Option<String> {
    let env = Env::new();
    let tmp = tempfile::tempdir().expect("tempdir");
    prepare(row, &env, tmp.path());
    let mut cmd = env.cmd();
    if matches!(row.setup, Setup::DataDirIsAFile) {
        let file = tmp.path().join("data");
        std::fs::write(&file, b"not a directory").expect("write");
        cmd.env("PRIVAUDIT_DATA_DIR", &file);
    }
    for (key, value) in row.env {
        cmd.env(key, value);
    }
    let args: Vec<String> = row
        .args
        .iter()
        .map(|a| a.replace("{tmp}", &tmp.path().display().to_string()))
        .collect();
    let out = cmd
        .args(&args)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut wrong = Vec::new();
    if out.status.code() != Some(row.exit) {
        wrong.push(format!("exit {:?}, wanted {}", out.status.code(), row.exit));
    }
    if !text.contains(row.says) {
        wrong.push(format!("does not say `{}`", row.says));
    }
    if text.contains("panicked") || text.contains("RUST_BACKTRACE") {
        wrong.push("panicked".into());
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        wrong.push("a control character reached the output".into());
    }
    for secret in ["SECRET1", "hunter2"] {
        if text.contains(secret) {
            wrong.push(format!("repeated the secret {secret}"));
        }
    }
    (!wrong.is_empty()).then(|| {
        format!(
            "{} (privaudit {}): {}\n{}",
            row.what,
            args.join(" "),
            wrong.join("; "),
            text.lines().take(6).collect::<Vec<_>>().join("\n")
        )
    })
}

#[test]
fn every_bad_input_gets_its_exit_code_and_a_true_message() {
    let rows = census();
    // Rows are independent processes: a few at a time keep the test short.
    let failures: Vec<String> = std::thread::scope(|scope| {
        let chunks: Vec<&[Row]> = rows.chunks(rows.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| scope.spawn(move || chunk.iter().filter_map(run).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a census thread"))
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of {} inputs went wrong:\n\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n\n")
    );
}

/// README's reliability section states the census's size.
#[test]
fn readme_reports_the_census_size() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let rows = census().len();
    assert!(
        rows >= 112,
        "the census has {rows} rows; the hardening issue asks for at least 112"
    );
    assert!(
        readme.contains(&format!("{rows} bad inputs")),
        "README must say \"{rows} bad inputs\""
    );
}
