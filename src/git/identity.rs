//! Who made the commits and when: names from `--author`, `GIT_*_NAME`/`GIT_*_EMAIL` or git's configuration;
//! dates from `--date`, else `GIT_*_DATE`, else `SOURCE_DATE_EPOCH`, else HEAD's commit. Never the clock: the
//! same HEAD, files and options give the same commit ids, so a bot that runs again pushes nothing new.

use git2::{Repository, Signature, Time};

use super::CommitError;

/// Author and committer: `--author` or `GIT_AUTHOR_*` or the configuration; the committer from
/// `GIT_COMMITTER_*` or the configuration, else the author. Both are dated by `--date` (`forced`) when
/// given, else each by `date` (see there).
pub(super) fn identities(
    repo: &Repository,
    author: Option<&str>,
    forced: Option<&str>,
    head: &git2::Commit,
) -> Result<(Signature<'static>, Signature<'static>), CommitError> {
    let configured = repo.signature().ok().map(|s| (s.name_bytes().to_vec(), s.email_bytes().to_vec()));
    let from_env = |who: &str| {
        let name = std::env::var(format!("GIT_{who}_NAME")).ok()?;
        let email = std::env::var(format!("GIT_{who}_EMAIL")).ok()?;
        Some((name.into_bytes(), email.into_bytes()))
    };
    let author_name = match author {
        Some(text) => Some(parse_identity(text)?),
        None => from_env("AUTHOR").or_else(|| configured.clone()),
    };
    let committer_name = from_env("COMMITTER").or(configured).or_else(|| author_name.clone());
    let (Some(author_name), Some(committer_name)) = (author_name, committer_name) else {
        return Err(CommitError::Identity(
            "no git identity: set user.name and user.email (git config), or pass --author 'Name <email>'"
                .into(),
        ));
    };
    let sign = |(name, email): (Vec<u8>, Vec<u8>), time: Time, what: &str| {
        let (name, email) = (String::from_utf8_lossy(&name), String::from_utf8_lossy(&email));
        Signature::new(name.trim(), email.trim(), &time)
            .map_err(|e| CommitError::Identity(format!("{what} `{name} <{email}>`: {}", e.message())))
    };
    let forced = forced
        .map(|value| {
            parse_date(value).ok_or_else(|| CommitError::Option {
                option: "--date",
                value: value.to_string(),
                expected: "RFC 3339 (`YYYY-MM-DDTHH:MM:SS[Z|+HH:MM]`) or `@SECONDS [+HHMM]`",
            })
        })
        .transpose()?;
    let dated = |var: &str| forced.map_or_else(|| date(var, head), Ok);
    let author = sign(author_name, dated("GIT_AUTHOR_DATE")?, "author")?;
    let committer = sign(committer_name, dated("GIT_COMMITTER_DATE")?, "committer")?;
    Ok((author, committer))
}

/// `Name <email>`, as `--author` takes it.
fn parse_identity(text: &str) -> Result<(Vec<u8>, Vec<u8>), CommitError> {
    let bad = || CommitError::Identity(format!("--author `{text}`: expected `Name <email>`"));
    let (name, rest) = text.trim().split_once('<').ok_or_else(bad)?;
    let email = rest.strip_suffix('>').ok_or_else(bad)?;
    if name.trim().is_empty() || email.trim().is_empty() || email.contains(['<', '>']) {
        return Err(bad());
    }
    Ok((name.trim().as_bytes().to_vec(), email.trim().as_bytes().to_vec()))
}

/// The date of a signature: the variable `var` (`GIT_AUTHOR_DATE` or `GIT_COMMITTER_DATE`), else
/// `SOURCE_DATE_EPOCH` (UTC), else the committer date of `head`, the commit the branch starts from. An empty
/// variable counts as unset; one that cannot be read is an error naming it.
fn date(var: &str, head: &git2::Commit) -> Result<Time, CommitError> {
    let set = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
    if let Some(value) = set(var) {
        return parse_date(&value).ok_or_else(|| CommitError::Date {
            var: var.to_string(),
            value,
            expected: "`@SECONDS [+HHMM]`, `SECONDS +HHMM` or `YYYY-MM-DDTHH:MM:SS[Z|+HH:MM]`",
        });
    }
    if let Some(value) = set("SOURCE_DATE_EPOCH") {
        return match value.trim().parse::<i64>() {
            Ok(seconds) => Ok(Time::new(seconds, 0)),
            Err(_) => Err(CommitError::Date {
                var: "SOURCE_DATE_EPOCH".into(),
                value,
                expected: "seconds since 1970-01-01 UTC",
            }),
        };
    }
    Ok(head.committer().when())
}

/// A date as git takes it in `GIT_*_DATE`: its own form `SECONDS +HHMM` (also `@SECONDS`, the offset
/// optional then), or ISO 8601 `YYYY-MM-DD[T ]HH:MM:SS` with `Z` or an offset (none means UTC).
fn parse_date(text: &str) -> Option<Time> {
    let text = text.trim();
    let (seconds, zone) = text.split_once(' ').map_or((text, None), |(s, z)| (s, Some(z.trim())));
    let epoch = seconds.strip_prefix('@').or((zone.is_some()).then_some(seconds));
    if let Some(Ok(seconds)) = epoch.map(str::parse::<i64>) {
        let offset = match zone {
            Some(zone) => parse_offset(zone)?,
            None => 0,
        };
        return Some(Time::new(seconds, offset));
    }
    let (day, rest) = text.split_at_checked(10)?;
    let rest = rest.strip_prefix(['T', ' '])?;
    let (clock, zone) = rest.split_at_checked(8)?;
    let offset = match zone.trim() {
        "" | "Z" => 0,
        zone => parse_offset(zone)?,
    };
    let [year, month, mday] = numbers(day, '-')?;
    let [hour, minute, second] = numbers(clock, ':')?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&mday) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let local = days_from_civil(year, month, mday) * 86_400 + hour * 3_600 + minute * 60 + second;
    Some(Time::new(local - i64::from(offset) * 60, offset))
}

/// `+HHMM` or `+HH:MM` (or `-`), in minutes east of UTC.
fn parse_offset(zone: &str) -> Option<i32> {
    let sign = match zone.chars().next()? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let digits: String = zone[1..].chars().filter(|&c| c != ':').collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (hours, minutes) = (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?);
    (minutes < 60).then_some(sign * (hours * 60 + minutes))
}

/// Three numbers separated by `separator`, each all digits.
fn numbers(text: &str, separator: char) -> Option<[i64; 3]> {
    let mut parts = text.split(separator).map(|p| match p.bytes().all(|b| b.is_ascii_digit()) {
        true => p.parse::<i64>().ok(),
        false => None,
    });
    let out = [parts.next()??, parts.next()??, parts.next()??];
    parts.next().is_none().then_some(out)
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Option<(i64, i32)> {
        parse_date(text).map(|t| (t.seconds(), t.offset_minutes()))
    }

    #[test]
    fn dates_in_gits_own_form() {
        assert_eq!(parsed("1700000000 +0100"), Some((1_700_000_000, 60)));
        assert_eq!(parsed("@1700000000"), Some((1_700_000_000, 0)));
        assert_eq!(parsed("@1700000000 -0530"), Some((1_700_000_000, -330)));
        assert_eq!(parsed("1700000000"), None, "bare digits are no date git reads the same way");
        assert_eq!(parsed("1700000000 0100"), None);
    }

    #[test]
    fn dates_in_iso_8601() {
        assert_eq!(parsed("2023-11-14T22:13:20Z"), Some((1_700_000_000, 0)));
        assert_eq!(parsed("2023-11-14 22:13:20"), Some((1_700_000_000, 0)));
        assert_eq!(parsed("2023-11-14T23:13:20+01:00"), Some((1_700_000_000, 60)));
        assert_eq!(parsed("2000-02-29T00:00:00Z"), Some((951_782_400, 0)), "a leap day");
        assert_eq!(parsed("1969-12-31T23:59:59Z"), Some((-1, 0)));
        assert_eq!(parsed("2023-13-14T22:13:20Z"), None);
        assert_eq!(parsed("2023-11-14T22:13"), None);
        assert_eq!(parsed("yesterday"), None);
    }

    #[test]
    fn identities_as_author_takes_them() {
        assert_eq!(parse_identity(" Fix Bot <bot@example.com> ").unwrap().0, b"Fix Bot");
        assert!(parse_identity("no email").is_err());
        assert!(parse_identity("<a@b>").is_err());
    }
}
