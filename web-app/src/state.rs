//! The page's one state, changed only through [`Action`]s (`use_reducer`).

use std::rc::Rc;

use kubecheck_core::netpol::matrix::Answer;
use kubecheck_core::pss::PssLevel;
use kubecheck_core::{Category, Options, Report, RuleInfo, Severity};
use kubecheck_web::checker::{Checked, Reply, Request};
use kubecheck_web::network;
use kubecheck_web::plugin::Plugin;
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
    /// The report for `text` as of the last check.
    pub report: Shared<Report>,
    /// The check worker's name for `report` (0 before it sent one).
    pub report_id: u64,
    /// The Network view of the last check's text.
    pub network: Shared<Option<network::View>>,
    /// The pair of the Network view whose answer is asked for, and the answer once the
    /// check worker gave it.
    pub question: Option<(String, String)>,
    pub answer: Option<Rc<Answer>>,
    /// The plugins' input document for the last check's text.
    pub plugin_input: Option<Rc<String>>,
    pub rules: Shared<Vec<RuleInfo>>,
    pub settings: Settings,
    pub filters: Filters,
    pub focus: Option<Focus>,
    /// The rule whose documentation is open.
    pub doc: Option<String>,
    /// Counts rendered results (checks and plugin results), so tests can tell a fresh one.
    pub generation: u64,
    /// Counts checks asked of the check worker; answers for an older one are dropped.
    pub check_seq: u64,
    /// The check whose report is shown.
    pub checked_seq: u64,
    /// A check was asked for and has not answered yet.
    pub checking: bool,
    /// "Apply all fixes" was pressed while the findings were out of date: it applies
    /// once the check answers.
    pub apply_all_when_checked: bool,
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
    /// The check worker's answer for a check.
    Checked(Checked),
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
    /// The report (`.1`, named `.2`) of check `.0` with the plugins' findings joined.
    Joined(u64, Report, u64),
    /// Ask the Network view's answer for a pair (from, to).
    Explain(String, String),
    /// The answer for the pair asked, about check `.0`.
    Explained(u64, Option<Answer>),
}

impl Action {
    /// What a reply of the check worker does to the state (nothing, for a stale one).
    pub fn of_reply(reply: Reply) -> Option<Action> {
        match reply {
            Reply::Checked(checked) => Some(Action::Checked(checked)),
            Reply::Joined {
                seq,
                report,
                report_id,
            } => Some(Action::Joined(seq, report, report_id)),
            Reply::Explained { seq, answer } => Some(Action::Explained(seq, answer)),
            Reply::Stale => None,
        }
    }
}

const SETTINGS_KEY: &str = "kubecheck.settings";

impl State {
    /// The first state: settings from local storage, text from a share link if the page
    /// was opened with one, else the first example. Its check is asked of the check
    /// worker as the page first renders.
    pub fn load() -> State {
        let settings = Settings::from_json(dom::storage_get(SETTINGS_KEY).as_deref());
        let (text, notice) = match share::decode(&dom::location_hash()) {
            Ok(Some(text)) => (text, None),
            Ok(None) => (EXAMPLES[0].text.to_owned(), None),
            Err(e) => (String::new(), Some(e)),
        };
        let nothing = kubecheck_core::check(Vec::new(), &Options::default());
        State {
            check_ms: 0.0,
            text: Rc::new(text),
            report: Shared(Rc::new(nothing)),
            report_id: 0,
            network: Shared(Rc::new(None)),
            question: None,
            answer: None,
            plugin_input: None,
            rules: Shared(Rc::new(kubecheck_core::builtin_rules())),
            settings,
            filters: Filters::default(),
            focus: None,
            doc: None,
            generation: 0,
            check_seq: 1,
            checked_seq: 0,
            checking: true,
            apply_all_when_checked: false,
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

    /// The request for the check `check_seq` of the text as it is now.
    pub fn check_request(&self) -> Request {
        Request::Check {
            seq: self.check_seq,
            text: (*self.text).clone(),
            settings: self.settings.clone(),
            plugins: self.plugins.iter().map(|p| p.plugin.clone()).collect(),
            shown: self.report_id,
        }
    }

    /// Asks for a check of the text (the app sends it to the check worker when
    /// `check_seq` changes); the plugins run on its answer, and their findings join it
    /// there, with no second parse or run.
    fn check(&mut self) {
        self.check_seq += 1;
        self.checking = true;
        self.stale = false;
    }

    /// The findings are not those of the text in the editor (yet).
    fn outdated(&self) -> bool {
        self.stale || self.checking
    }

    fn checked(&mut self, checked: Checked) {
        if checked.seq != self.check_seq {
            return;
        }
        // The same report stays the same value: what renders from it does not re-render.
        if let Some(report) = checked.report.apply(&self.report) {
            self.report = Shared(Rc::new(report));
        }
        self.report_id = checked.report_id;
        self.network = Shared(Rc::new(checked.network));
        self.answer = None;
        self.plugin_input = checked.plugin_input.map(Rc::new);
        self.check_ms = checked.check_ms;
        self.checked_seq = checked.seq;
        self.checking = false;
        self.generation += 1;
        self.plugins_pending = !self.plugins.is_empty();
        if std::mem::take(&mut self.apply_all_when_checked) && !self.stale {
            self.apply_all();
        }
    }

    fn apply_all(&mut self) {
        let edits = all_fix_edits(&self.report.findings);
        if !edits.is_empty() {
            self.apply(&edits);
        }
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
            Action::Checked(checked) => state.checked(checked),
            Action::Load(text) => state.replace_text(text),
            Action::Focus(span) => state.focus(span),
            Action::ApplyFix(index) => {
                if state.outdated() {
                    if state.stale {
                        state.check();
                    }
                    state.notice = Some(
                        "the text changed: the findings are being refreshed, apply again".into(),
                    );
                } else if let Some(fix) =
                    state.report.findings.get(index).and_then(|f| f.fix.clone())
                {
                    state.apply(&fix.edits);
                }
            }
            Action::ApplyAll => {
                if state.outdated() {
                    if state.stale {
                        state.check();
                    }
                    state.apply_all_when_checked = true;
                } else {
                    state.apply_all();
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
            Action::Joined(seq, report, report_id) => {
                if seq == state.check_seq && !state.outdated() {
                    state.report = Shared(Rc::new(report));
                    state.report_id = report_id;
                    state.generation += 1;
                    state.plugins_pending = false;
                }
            }
            Action::Explain(from, to) => {
                state.question = Some((from, to));
                state.answer = None;
            }
            Action::Explained(seq, answer) => {
                let asked =
                    |a: &Answer| state.question.as_ref() == Some(&(a.from.clone(), a.to.clone()));
                if seq == state.checked_seq {
                    if let Some(answer) = answer.filter(asked) {
                        state.answer = Some(Rc::new(answer));
                    }
                }
            }
        }
        Rc::new(state)
    }
}
