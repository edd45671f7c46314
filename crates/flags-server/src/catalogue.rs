//! The 194 countries (embedded from `data/countries.tsv`) and their files.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock};

use axum::body::Bytes;

use crate::art;

/// One row of `data/countries.tsv`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Country {
    /// ISO 3166 code, upper case: `CN`.
    pub iso_cc: &'static str,
    pub name: &'static str,
    /// Internet top-level domain: `.cn`.
    pub tld_cc: &'static str,
    /// CIA World Factbook (GEC) code: `CH`.
    pub gec_cc: &'static str,
}

const TSV: &str = include_str!("../data/countries.tsv");

/// The 194 countries the server has flags for, sorted by code.
pub static COUNTRIES: LazyLock<Vec<Country>> = LazyLock::new(|| {
    TSV.lines()
        .skip(1) // header
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let fields: Vec<&str> = line.split('\t').collect();
            let [iso_cc, name, tld_cc, gec_cc] = fields[..] else {
                panic!("countries.tsv: expected 4 fields in {line:?}");
            };
            Country {
                iso_cc,
                name,
                tld_cc,
                gec_cc,
            }
        })
        .collect()
});

/// The 194 codes, upper case, sorted: the book's `-a`.
pub fn all_cc() -> Vec<String> {
    COUNTRIES.iter().map(|c| c.iso_cc.to_string()).collect()
}

/// What the server answers for one country.
pub(crate) struct Flag {
    pub gif: Bytes,
    pub metadata: String,
}

/// The painted flags, keyed by lower-case code as the URL spells it.
/// Painting 194 images takes a noticeable moment, so a server is handed a
/// finished catalogue and never paints while a client waits.
pub struct Catalogue {
    flags: HashMap<String, Flag>,
}

impl Catalogue {
    /// Paints every flag now, on the calling thread.
    pub fn paint() -> Catalogue {
        let flags = COUNTRIES
            .iter()
            .map(|c| {
                let flag = Flag {
                    gif: Bytes::from(art::flag_gif(c.iso_cc)),
                    metadata: metadata_json(c),
                };
                (c.iso_cc.to_lowercase(), flag)
            })
            .collect();
        Catalogue { flags }
    }

    /// One catalogue for the whole process, painted by the first caller:
    /// tests start many servers and should not repaint for each.
    pub fn shared() -> Arc<Catalogue> {
        static SHARED: LazyLock<Arc<Catalogue>> =
            LazyLock::new(|| Arc::new(Catalogue::paint()));
        Arc::clone(&SHARED)
    }

    /// How many flags it holds (194).
    pub fn len(&self) -> usize {
        self.flags.len()
    }

    pub fn is_empty(&self) -> bool {
        self.flags.is_empty()
    }

    /// The flag for a lower-case code, as the URL spells it.
    pub(crate) fn lookup(&self, cc: &str) -> Option<&Flag> {
        self.flags.get(cc)
    }
}

impl fmt::Debug for Catalogue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The GIF bytes would drown any debug print.
        f.debug_struct("Catalogue")
            .field("flags", &self.flags.len())
            .finish_non_exhaustive()
    }
}

/// The paths that have a file behind them: `/flags/{cc}/{cc}.gif` and
/// `/flags/{cc}/metadata.json` for each of the 194 codes.
pub(crate) fn flag_paths() -> impl Iterator<Item = String> {
    COUNTRIES.iter().flat_map(|c| {
        let cc = c.iso_cc.to_lowercase();
        [
            format!("/flags/{cc}/{cc}.gif"),
            format!("/flags/{cc}/metadata.json"),
        ]
    })
}

/// The exact bytes the server sends for `cc` (either case), or `None` for a
/// code with no flag. Tests compare downloaded files against this.
pub fn flag_gif(cc: &str) -> Option<Bytes> {
    let catalogue = Catalogue::shared();
    let flag = catalogue.lookup(&cc.to_lowercase())?;
    Some(flag.gif.clone())
}

/// `{"country": ..., "iso_cc": ..., "tld_cc": ..., "gec_cc": ...}`, the shape
/// of the book's `metadata.json`.
pub fn metadata_json(c: &Country) -> String {
    serde_json::json!({
        "country": c.name,
        "iso_cc": c.iso_cc,
        "tld_cc": c.tld_cc,
        "gec_cc": c.gec_cc,
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The server knows the book's 194 countries, each code once.
    #[test]
    fn the_table_has_194_countries_with_unique_codes() {
        assert_eq!(COUNTRIES.len(), 194);
        assert_eq!(Catalogue::shared().len(), 194);
        assert_eq!(flag_paths().count(), 2 * 194);
        let china = COUNTRIES.iter().find(|c| c.iso_cc == "CN").unwrap();
        assert_eq!(
            (china.name, china.tld_cc, china.gec_cc),
            ("China", ".cn", "CH")
        );
    }
}
