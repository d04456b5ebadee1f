//! The page's one state, changed only through [`Action`]s (`use_reducer`).

use std::rc::Rc;

use kubecheck_core::pss::PssLevel;
use kubecheck_core::rules::RawFinding;
use kubecheck_core::{Category, Input, Report, RuleInfo, Severity};
use kubecheck_web::plugin::{self, Outcome, Plugin};
use kubecheck_web::settings::Settings;
use kubecheck_web::text::{all_fix_edits, apply_edits, EditError};
use kubecheck_web::view::Filters;
use kubecheck_web::{examples::EXAMPLES, share};
use yew::Reducible;

use crate::dom;

/// A range of the editor's text, 1-based, end exclusive, columns in Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    pub fn of(location: &kubecheck_core::report::Location) -> Span {
        Span {
            line: location.line,
            column: location.column,
            end_line: location.end_line,
            end_column: location.end_column,
        }
    }
}

/// The span the editor shows selected; `seq` changes on every request, so selecting the
/// same finding twice scrolls to it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Focus {
    pub span: Span,
    pub seq: u64,
}

/// Shared data compared by identity: a new report is a new check, and comparing two
/// reports field by field on every render would cost more than re-rendering.
pub struct Shared<T>(pub Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// A plugin loaded from disk: its metadata and its module.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadedPlugin {
    pub plugin: Plugin,
    pub bytes: Rc<Vec<u8>>,
}

#[derive(Clone, PartialEq)]
pub struct State {
    pub text: Rc<String>,
    /// `text` as parsed by the last check: the built-in rules and the plugins read
    /// this one parse.
    pub input: Shared<Input>,
    /// The built-in rules' findings on `input`: the plugins' answers join these.
    pub builtin: Shared<Vec<RawFinding>>,
    /// The report for `text` as of the last check.
    pub report: Shared<Report>,
    pub rules: Shared<Vec<RuleInfo>>,
    pub settings: Settings,
    pub filters: Filters,
    pub focus: Option<Focus>,
    /// The rule whose documentation is open.
    pub doc: Option<String>,
    /// Counts rendered results (checks and plugin results), so tests can tell a fresh one.
    pub generation: u64,
    /// Counts checks of the text; plugin results for an older check are dropped.
    pub check_seq: u64,
    pub plugins: Rc<Vec<LoadedPlugin>>,
    /// The plugins have not answered for the current check yet.
    pub plugins_pending: bool,
    pub check_ms: f64,
    /// The text changed since the last check (a check is pending).
    pub stale: bool,
    pub notice: Option<String>,
    pub share_link: Option<String>,
}

pub enum Action {
    /// The user typed: the check follows after a pause.
    Edit(String),
    Check,
    /// Replaces the text (paste, example, files, share link) and checks at once.
    Load(String),
    Focus(Span),
    ApplyFix(usize),
    ApplyAll,
    SetPssLevel(PssLevel),
    SetPssMinor(u32),
    SetKubernetesMinor(Option<u32>),
    SetRule(String, bool),
    ResetRules,
    ToggleSeverity(Severity),
    SetCategory(Option<Category>),
    ShowDoc(Option<String>),
    CycleTheme,
    Notice(Option<String>),
    Shared(String),
    AddPlugin(LoadedPlugin),
    RemovePlugin(String),
    /// The plugins' answers for check number `.0`.
    PluginOutcomes(u64, Vec<Outcome>),
}

const SETTINGS_KEY: &str = "kubecheck.settings";

impl State {
    /// The first state: settings from local storage, text from a share link if the page
    /// was opened with one, else the first example.
    pub fn load() -> State {
        let settings = Settings::from_json(dom::storage_get(SETTINGS_KEY).as_deref());
        let (text, notice) = match share::decode(&dom::location_hash()) {
            Ok(Some(text)) => (text, None),
            Ok(None) => (EXAMPLES[0].text.to_owned(), None),
            Err(e) => (String::new(), Some(e)),
        };
        let started = dom::now_ms();
        let input = kubecheck_web::parse(&text);
        let builtin = plugin::builtin_findings(&input, &settings, &[]);
        let report = plugin::report(&input, &settings, &[], &builtin, &[]);
        State {
            check_ms: dom::now_ms() - started,
            text: Rc::new(text),
            input: Shared(Rc::new(input)),
            builtin: Shared(Rc::new(builtin)),
            report: Shared(Rc::new(report)),
            rules: Shared(Rc::new(kubecheck_core::builtin_rules())),
            settings,
            filters: Filters::default(),
            focus: None,
            doc: None,
            generation: 1,
            check_seq: 1,
            plugins: Rc::new(Vec::new()),
            plugins_pending: false,
            stale: false,
            notice,
            share_link: None,
        }
    }

    pub fn save_settings(&self) {
        dom::storage_set(SETTINGS_KEY, &self.settings.to_json());
    }

    fn plugin_list(&self) -> Vec<Plugin> {
        self.plugins.iter().map(|p| p.plugin.clone()).collect()
    }

    /// Parses and checks with the built-in rules now; plugins answer later
    /// (`PluginOutcomes`) and their findings join these, with no second parse or run.
    fn check(&mut self) {
        let started = dom::now_ms();
        let input = kubecheck_web::parse(&self.text);
        let plugins = self.plugin_list();
        let builtin = plugin::builtin_findings(&input, &self.settings, &plugins);
        let report = plugin::report(&input, &self.settings, &plugins, &builtin, &[]);
        self.input = Shared(Rc::new(input));
        self.builtin = Shared(Rc::new(builtin));
        self.report = Shared(Rc::new(report));
        self.check_ms = dom::now_ms() - started;
        self.generation += 1;
        self.check_seq += 1;
        self.plugins_pending = !self.plugins.is_empty();
        self.stale = false;
    }

    fn set_plugins(&mut self, plugins: Vec<LoadedPlugin>) {
        let mut rules = kubecheck_core::builtin_rules();
        rules.extend(plugins.iter().flat_map(|p| p.plugin.rules()));
        self.rules = Shared(Rc::new(rules));
        self.plugins = Rc::new(plugins);
        self.check();
    }

    fn focus(&mut self, span: Span) {
        let seq = self.focus.map_or(0, |f| f.seq + 1);
        self.focus = Some(Focus { span, seq });
    }

    fn replace_text(&mut self, text: String) {
        self.text = Rc::new(text);
        self.focus = None;
        self.share_link = None;
        self.check();
    }

    fn apply(&mut self, edits: &[kubecheck_core::report::Edit]) {
        match apply_edits(&self.text, edits) {
            Ok(text) => {
                self.notice = None;
                self.replace_text(text);
            }
            Err(EditError::OutOfRange | EditError::Overlapping) => {
                self.notice =
                    Some("the fix no longer matches the text; check again and retry".into());
            }
        }
    }
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = (*self).clone();
        match action {
            Action::Edit(text) => {
                state.text = Rc::new(text);
                state.stale = true;
                state.focus = None;
                state.share_link = None;
            }
            Action::Check => state.check(),
            Action::Load(text) => state.replace_text(text),
            Action::Focus(span) => state.focus(span),
            Action::ApplyFix(index) => {
                if state.stale {
                    state.check();
                    state.notice =
                        Some("the text changed: the findings were refreshed, apply again".into());
                } else if let Some(fix) =
                    state.report.findings.get(index).and_then(|f| f.fix.clone())
                {
                    state.apply(&fix.edits);
                }
            }
            Action::ApplyAll => {
                if state.stale {
                    state.check();
                }
                let edits = all_fix_edits(&state.report.findings);
                if !edits.is_empty() {
                    state.apply(&edits);
                }
            }
            Action::SetPssLevel(level) => {
                state.settings.set_pss_level(level);
                state.check();
            }
            Action::SetPssMinor(minor) => {
                state.settings.set_pss_minor(minor);
                state.check();
            }
            Action::SetKubernetesMinor(minor) => {
                state.settings.set_kubernetes_minor(minor);
                state.check();
            }
            Action::SetRule(id, on) => {
                if let Some(rule) = state.rules.iter().find(|r| r.id == id) {
                    state.settings.set_rule(rule, on);
                    state.check();
                }
            }
            Action::ResetRules => {
                state.settings.rules.clear();
                state.check();
            }
            Action::ToggleSeverity(severity) => state.filters.toggle(severity),
            Action::SetCategory(category) => state.filters.category = category,
            Action::ShowDoc(rule) => state.doc = rule,
            Action::CycleTheme => state.settings.theme = state.settings.theme.next(),
            Action::Notice(notice) => state.notice = notice,
            Action::Shared(link) => state.share_link = Some(link),
            Action::AddPlugin(loaded) => {
                let mut plugins: Vec<LoadedPlugin> = state
                    .plugins
                    .iter()
                    .filter(|p| p.plugin.name != loaded.plugin.name)
                    .cloned()
                    .collect();
                plugins.push(loaded);
                state.set_plugins(plugins);
            }
            Action::RemovePlugin(name) => {
                let plugins = state
                    .plugins
                    .iter()
                    .filter(|p| p.plugin.name != name)
                    .cloned()
                    .collect();
                state.set_plugins(plugins);
            }
            Action::PluginOutcomes(seq, outcomes) => {
                if seq == state.check_seq && !state.stale {
                    let plugins = state.plugin_list();
                    let report = plugin::report(
                        &state.input,
                        &state.settings,
                        &plugins,
                        &state.builtin,
                        &outcomes,
                    );
                    state.report = Shared(Rc::new(report));
                    state.generation += 1;
                    state.plugins_pending = false;
                }
            }
        }
        Rc::new(state)
    }
}
