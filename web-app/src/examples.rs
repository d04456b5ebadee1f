//! Built-in example manifests to try the page with.

pub struct Example {
    pub name: &'static str,
    pub text: &'static str,
}

pub const EXAMPLES: &[Example] = &[
    Example {
        name: "Risky Deployment",
        text: include_str!("../examples/risky-deployment.yaml"),
    },
    Example {
        name: "Hardened Pod",
        text: include_str!("../examples/hardened-pod.yaml"),
    },
    Example {
        name: "Parse error, duplicate key, CronJob",
        text: include_str!("../examples/mixed-with-errors.yaml"),
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;

    #[test]
    fn examples_show_what_they_say() {
        let risky = crate::check(&crate::parse(EXAMPLES[0].text), &Settings::default());
        assert!(risky.errors.is_empty(), "{:?}", risky.errors);
        assert!(risky
            .findings
            .iter()
            .any(|f| f.rule == "privileged-container"));

        let mixed = crate::check(&crate::parse(EXAMPLES[2].text), &Settings::default());
        assert_eq!(mixed.errors.len(), 1, "{:?}", mixed.errors);
        // In the first document: the unclosed sequence, or where the parser gave up on it.
        assert!(
            (8..=9).contains(&mixed.errors[0].line),
            "{:?}",
            mixed.errors
        );
        assert!(mixed.findings.iter().any(|f| f.rule == "duplicate-key"));
        assert!(mixed
            .findings
            .iter()
            .any(|f| f.resource.kind == "CronJob" && f.rule == "privileged-container"));
    }
}
