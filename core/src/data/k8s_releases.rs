//! Kubernetes minor releases: release date, end of maintenance (end of life) and the
//! newest patch.
//!
//! Source: endoflife.date `products/kubernetes.md` at a70eca33 (2026-08-22), which
//! copies <https://kubernetes.io/releases/patch-releases/> (release history of active
//! branches) and the Kubernetes git tags; checked against <https://kubernetes.io/releases/>.
//! End of life here is the end of maintenance support (the last patch release), not the
//! end of active support two months before it.

use super::api_lifecycle::Minor;

/// When this table was written; end-of-life verdicts are as of this day.
pub const DATA_DATE: &str = "2026-12-02";
/// The newest patch versions are as of this day (the endoflife.date snapshot).
pub const PATCH_DATA_DATE: &str = "2026-08-22";

#[derive(Clone, Copy, Debug)]
pub struct Release {
    pub minor: Minor,
    pub released: &'static str,
    pub end_of_life: &'static str,
    /// The newest patch release known on [`PATCH_DATA_DATE`].
    pub latest_patch: u32,
}

const fn r(
    minor: Minor,
    released: &'static str,
    end_of_life: &'static str,
    latest_patch: u32,
) -> Release {
    Release {
        minor,
        released,
        end_of_life,
        latest_patch,
    }
}

/// Newest first.
pub static RELEASES: &[Release] = &[
    r(36, "2026-04-22", "2027-06-28", 4),
    r(35, "2025-12-17", "2027-02-28", 8),
    r(34, "2025-08-27", "2026-10-27", 11),
    r(33, "2025-04-23", "2026-06-28", 13),
    r(32, "2024-12-11", "2026-02-28", 13),
    r(31, "2024-08-13", "2025-11-11", 14),
    r(30, "2024-04-17", "2025-07-15", 14),
    r(29, "2023-12-13", "2025-02-28", 15),
    r(28, "2023-08-15", "2024-10-28", 15),
    r(27, "2023-04-11", "2024-06-28", 16),
    r(26, "2022-12-08", "2024-02-28", 15),
    r(25, "2022-08-23", "2023-10-27", 16),
    r(24, "2022-05-03", "2023-07-28", 17),
    r(23, "2021-12-07", "2023-02-28", 17),
    r(22, "2021-08-04", "2022-10-28", 17),
    r(21, "2021-04-08", "2022-06-28", 14),
    r(20, "2020-12-08", "2022-02-28", 15),
    r(19, "2020-08-26", "2021-10-28", 16),
    r(18, "2020-03-25", "2021-06-18", 20),
    r(17, "2019-12-07", "2020-12-25", 17),
    r(16, "2019-09-18", "2020-08-04", 15),
];

/// The newest minor in the table: the default target version.
pub const NEWEST_MINOR: Minor = 36;

/// The release `1.minor`, if the table has it.
pub fn release(minor: Minor) -> Option<&'static Release> {
    RELEASES.iter().find(|r| r.minor == minor)
}

/// Whether `release` had reached its end of life on [`DATA_DATE`] (ISO dates compare
/// as text).
pub fn is_end_of_life(release: &Release) -> bool {
    release.end_of_life <= DATA_DATE
}

/// The oldest release the table knows: older ones are past end of life too.
pub fn oldest() -> &'static Release {
    RELEASES.last().expect("the table has rows")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_date(s: &str) -> bool {
        s.len() == 10
            && s.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            })
    }

    #[test]
    fn one_row_per_minor_newest_first_with_dates_in_order() {
        assert_eq!(RELEASES[0].minor, NEWEST_MINOR);
        for pair in RELEASES.windows(2) {
            assert_eq!(pair[0].minor, pair[1].minor + 1);
            assert!(pair[0].released > pair[1].released);
            assert!(pair[0].end_of_life > pair[1].end_of_life);
        }
        for release in RELEASES {
            assert!(is_date(release.released) && is_date(release.end_of_life));
            // About 14 months of support since v1.19, about a year before.
            assert!(release.end_of_life > release.released);
            assert!(release.released <= DATA_DATE);
        }
        assert!(is_date(DATA_DATE) && is_date(PATCH_DATA_DATE));
        assert!(PATCH_DATA_DATE <= DATA_DATE);
        assert!(is_end_of_life(release(33).unwrap()));
        assert!(!is_end_of_life(release(35).unwrap()));
    }
}
