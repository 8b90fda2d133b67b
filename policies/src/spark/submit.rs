//! A `spark-submit` command line, pasted as written (shell quoting, `\`
//! line continuations, the leading `./bin/spark-submit`), mapped to the
//! Spark properties spark-submit sets from it.
//!
//! Restated from Spark 3.0 `SparkSubmitOptionParser` (the option names,
//! `--opt value` and `--opt=value`, the first non-option argument being the
//! primary resource and everything after it the application's arguments)
//! and `SparkSubmit.prepareSubmitEnvironment`'s `OptionAssigner` list (which
//! property each option sets). Precedence as `SparkSubmitArguments` has it:
//! an explicit option wins over `--conf` of the same property, which wins
//! over the properties file.

use std::fmt;

/// What a command line asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Submission {
    /// `--master`.
    pub master: Option<String>,
    /// `--deploy-mode` (`client` or `cluster`).
    pub deploy_mode: Option<String>,
    /// `--properties-file`: read instead of `spark-defaults.conf`.
    pub properties_file: Option<String>,
    /// Properties in the order they apply: `--conf` first, then the
    /// explicit options, so a later entry of a key wins.
    pub conf: Vec<(String, String)>,
    /// The application jar or script, and its arguments.
    pub primary: Option<String>,
    pub args: Vec<String>,
    /// Options read but with no property to set (`--class`, `--verbose`).
    pub no_effect: Vec<String>,
}

/// A command line spark-submit would refuse, or that is not a submission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubmitError(pub String);

impl fmt::Display for SubmitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SubmitError {}

/// Options that take a value, and the property each sets (`None`: handled
/// apart or no property).
const WITH_VALUE: &[(&str, Option<&str>)] = &[
    ("--archives", Some("spark.archives")),
    ("--class", None),
    ("--conf", None),
    ("--deploy-mode", None),
    ("--driver-class-path", Some("spark.driver.extraClassPath")),
    ("--driver-cores", Some("spark.driver.cores")),
    (
        "--driver-java-options",
        Some("spark.driver.extraJavaOptions"),
    ),
    (
        "--driver-library-path",
        Some("spark.driver.extraLibraryPath"),
    ),
    ("--driver-memory", Some("spark.driver.memory")),
    ("--exclude-packages", Some("spark.jars.excludes")),
    ("--executor-cores", Some("spark.executor.cores")),
    ("--executor-memory", Some("spark.executor.memory")),
    ("--files", Some("spark.files")),
    ("--jars", Some("spark.jars")),
    ("--keytab", Some("spark.kerberos.keytab")),
    ("--master", None),
    ("--name", Some("spark.app.name")),
    ("--num-executors", Some("spark.executor.instances")),
    ("--packages", Some("spark.jars.packages")),
    ("--principal", Some("spark.kerberos.principal")),
    ("--properties-file", None),
    ("--proxy-user", None),
    ("--py-files", Some("spark.submit.pyFiles")),
    ("--queue", Some("spark.yarn.queue")),
    ("--repositories", Some("spark.jars.repositories")),
    ("--total-executor-cores", Some("spark.cores.max")),
];

/// Switches: `--supervise` sets `spark.driver.supervise`; the others only
/// change what spark-submit prints.
const SWITCHES: &[&str] = &["--supervise", "--verbose", "-v"];

/// Options that make spark-submit do something other than submit.
const NOT_A_SUBMISSION: &[&str] = &[
    "--kill",
    "--status",
    "--help",
    "-h",
    "--version",
    "--usage-error",
];

/// Parses a pasted command line.
pub fn parse_submit(text: &str) -> Result<Submission, SubmitError> {
    let mut words = shell_words(text)?;
    if words.first().is_some_and(|w| {
        w.rsplit('/')
            .next()
            .is_some_and(|p| p == "spark-submit" || p == "spark-submit.cmd")
    }) {
        words.remove(0);
    }
    let mut out = Submission::default();
    // Explicit options, applied after every --conf.
    let mut explicit: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if out.primary.is_some() {
            out.args.push(word.clone());
            continue;
        }
        if !word.starts_with('-') {
            out.primary = Some(word.clone());
            continue;
        }
        let (name, inline) = match word.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_string(), Some(v.to_string())),
            _ => (word.clone(), None),
        };
        let name = if name == "-c" {
            "--conf".to_string()
        } else {
            name
        };
        if NOT_A_SUBMISSION.contains(&name.as_str()) {
            return Err(SubmitError(format!(
                "{name} makes spark-submit do something other than submit an application"
            )));
        }
        if SWITCHES.contains(&name.as_str()) {
            if inline.is_some() {
                return Err(SubmitError(format!("{name} takes no value")));
            }
            if name == "--supervise" {
                explicit.push(("spark.driver.supervise".into(), "true".into()));
            } else {
                out.no_effect.push(name);
            }
            continue;
        }
        let Some(&(_, property)) = WITH_VALUE.iter().find(|(n, _)| *n == name) else {
            let hint = crate::suggest::closest(
                &name,
                WITH_VALUE
                    .iter()
                    .map(|(n, _)| *n)
                    .chain(SWITCHES.iter().copied()),
            )
            .map(|c| format!(" (did you mean {c}?)"))
            .unwrap_or_default();
            return Err(SubmitError(format!("Unrecognized option '{name}'{hint}")));
        };
        let value = match inline {
            Some(v) => v,
            None => {
                let Some(v) = words.get(i) else {
                    return Err(SubmitError(format!("Missing argument for option '{name}'")));
                };
                i += 1;
                v.clone()
            }
        };
        match name.as_str() {
            "--conf" => {
                let Some((k, v)) = value.split_once('=') else {
                    return Err(SubmitError(format!(
                        "Spark config without '=': {value} (write --conf key=value)"
                    )));
                };
                out.conf.push((k.trim().to_string(), v.trim().to_string()));
            }
            "--master" => out.master = Some(value),
            "--deploy-mode" => out.deploy_mode = Some(value),
            "--properties-file" => out.properties_file = Some(value),
            "--class" | "--proxy-user" => out.no_effect.push(name.clone()),
            _ => {
                if let Some(p) = property {
                    explicit.push((p.to_string(), value));
                }
            }
        }
    }
    out.conf.extend(explicit);
    Ok(out)
}

/// Splits text into words as a POSIX shell does for a plain command:
/// blanks separate words, `'…'` is literal, `"…"` keeps blanks and honours
/// `\"`, `\\`, `\$` and `` \` ``, a backslash outside quotes escapes the
/// next character, and backslash-newline joins lines.
pub fn shell_words(text: &str) -> Result<Vec<String>, SubmitError> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(n) => {
                    cur.push(n);
                    in_word = true;
                }
                None => {}
            },
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(n) => cur.push(n),
                        None => return Err(SubmitError("unterminated ' quote".into())),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(n @ ('"' | '\\' | '$' | '`')) => cur.push(n),
                            Some('\n') => {}
                            Some(n) => {
                                cur.push('\\');
                                cur.push(n);
                            }
                            None => return Err(SubmitError("unterminated \" quote".into())),
                        },
                        Some(n) => cur.push(n),
                        None => return Err(SubmitError("unterminated \" quote".into())),
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cluster-mode example of Spark 1.6's "Running Spark on Mesos"
    /// guide, pasted as written (note `100\` with no blank before the
    /// continuation).
    const SEED_EXAMPLE: &str = "./bin/spark-submit \\\n  --class org.apache.spark.examples.SparkPi \\\n  --master mesos://207.184.161.138:7077 \\\n  --deploy-mode cluster \\\n  --supervise \\\n  --executor-memory 20G \\\n  --total-executor-cores 100\\\n  https://path/to/examples.jar \\\n  1000\n";

    #[test]
    fn the_seed_guides_example_maps_to_its_properties() {
        let s = parse_submit(SEED_EXAMPLE).unwrap();
        assert_eq!(s.master.as_deref(), Some("mesos://207.184.161.138:7077"));
        assert_eq!(s.deploy_mode.as_deref(), Some("cluster"));
        assert_eq!(
            s.conf,
            [
                ("spark.driver.supervise".to_string(), "true".to_string()),
                ("spark.executor.memory".into(), "20G".into()),
                ("spark.cores.max".into(), "100".into()),
            ]
        );
        assert_eq!(s.primary.as_deref(), Some("https://path/to/examples.jar"));
        assert_eq!(s.args, ["1000"]);
        assert_eq!(s.no_effect, ["--class"]);
    }

    #[test]
    fn explicit_options_win_over_conf_and_values_may_be_inline() {
        let s = parse_submit(
            "spark-submit --executor-memory=2g --conf spark.executor.memory=8g -c 'spark.mesos.constraints=os:centos7;zone:a' --conf \"spark.app.name=my app\" app.py --executor-memory 1g",
        )
        .unwrap();
        assert_eq!(
            s.conf,
            [
                ("spark.executor.memory".to_string(), "8g".to_string()),
                ("spark.mesos.constraints".into(), "os:centos7;zone:a".into()),
                ("spark.app.name".into(), "my app".into()),
                ("spark.executor.memory".into(), "2g".into()),
            ]
        );
        // After the primary resource, everything is the app's.
        assert_eq!(s.args, ["--executor-memory", "1g"]);
    }

    #[test]
    fn errors_say_what_spark_submit_says() {
        let e = |t: &str| parse_submit(t).unwrap_err().to_string();
        assert_eq!(
            e("--executor-memroy 2g x.jar"),
            "Unrecognized option '--executor-memroy' (did you mean --executor-memory?)"
        );
        assert_eq!(
            e("--conf spark.x"),
            "Spark config without '=': spark.x (write --conf key=value)"
        );
        assert_eq!(e("--master"), "Missing argument for option '--master'");
        assert_eq!(
            e("--kill driver-1"),
            "--kill makes spark-submit do something other than submit an application"
        );
        assert_eq!(e("--name 'x"), "unterminated ' quote");
    }

    #[test]
    fn shell_words_follow_the_shell() {
        assert_eq!(
            shell_words("a\\ b 'c d' \"e \\\"f\\\" $g\" h\\\ni").unwrap(),
            ["a b", "c d", "e \"f\" $g", "hi"]
        );
        assert_eq!(shell_words("  ").unwrap(), Vec::<String>::new());
        assert_eq!(shell_words("''").unwrap(), [""]);
    }
}
