//! A delivery written out for people: a `curl` command line (the vendors'
//! examples, generalized) or the raw HTTP/1.1 request.

use crate::delivery::Delivery;
use crate::Error;

/// Quotes `s` for a POSIX shell (single quotes; `'` becomes `'\''`).
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

fn text<'a>(what: &str, bytes: &'a [u8]) -> Result<&'a str, Error> {
    let s = std::str::from_utf8(bytes).map_err(|source| Error::NotUtf8ForShell {
        part: what.to_owned(),
        source,
    })?;
    if s.contains('\0') {
        return Err(Error::NulForShell {
            part: what.to_owned(),
        });
    }
    Ok(s)
}

/// A shell command that sends `d` with curl, body byte-exact (it is piped
/// through `printf '%s'`, which adds nothing).
pub fn curl(d: &Delivery) -> Result<Vec<u8>, Error> {
    let body = text("the body", &d.body)?;
    let mut cmd = format!(
        "printf '%s' {} | curl -sS -i -X {}",
        shell_quote(body),
        shell_quote(&d.method)
    );
    for (name, value) in &d.headers {
        let v = text(&format!("header {name}"), value)?;
        cmd.push_str(&format!(
            " \\\n  -H {}",
            shell_quote(&format!("{name}: {v}"))
        ));
    }
    cmd.push_str(&format!(
        " \\\n  --data-binary @- {}\n",
        shell_quote(&d.url)
    ));
    Ok(cmd.into_bytes())
}

/// The raw HTTP/1.1 request for `d` (CRLF line ends, `Host` and
/// `Content-Length` added).
pub fn http(d: &Delivery) -> Result<Vec<u8>, Error> {
    let url = url::Url::parse(&d.url).map_err(|source| Error::InvalidUrl {
        what: "the delivery's URL",
        source,
    })?;
    let mut target = url.path().to_owned();
    if let Some(q) = url.query() {
        target.push('?');
        target.push_str(q);
    }
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => {
            return Err(Error::UrlWithoutHost {
                what: "the delivery's URL",
            })
        }
    };
    let mut out = format!("{} {target} HTTP/1.1\r\nHost: {host}\r\n", d.method).into_bytes();
    for (name, value) in &d.headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", d.body.len()).as_bytes());
    out.extend_from_slice(&d.body);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(shell_quote("a'b"), "'a'\\''b'");
        let mut d = Delivery::post("http://h:1/p?q=1", "{\"a\":\"it's\"}");
        d.push_header("X-Token", "abc");
        let c = String::from_utf8(curl(&d).unwrap()).unwrap();
        assert!(c.contains("'X-Token: abc'"));
        assert!(c.contains("'{\"a\":\"it'\\''s\"}'"));
        let h = String::from_utf8(http(&d).unwrap()).unwrap();
        assert!(h.starts_with("POST /p?q=1 HTTP/1.1\r\nHost: h:1\r\n"));
        assert!(h.ends_with("Content-Length: 12\r\n\r\n{\"a\":\"it's\"}"));
        d.body = vec![0xff];
        assert!(curl(&d).is_err());
    }
}
