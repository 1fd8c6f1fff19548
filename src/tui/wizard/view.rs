//! Drawing the wizard: one body per step inside the common frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::step::{ALL, Step};
use super::{GRANT_TYPES, SaveFocus, TestState, Wizard};
use crate::provider::Provider;
use crate::report::{test_failure_lines, test_ok_lines};
use crate::secret_store::SecretStoreKind;
use crate::tui::layout::{self, Chrome};
use crate::tui::text_field::problem_lines;
use crate::tui::theme::{Theme, spinner};

impl Wizard {
    pub fn keys(&self) -> Vec<(&'static str, &'static str)> {
        let help = if self.typing() {
            ("F1", "help")
        } else {
            ("?", "help")
        };
        let mut keys = match self.step {
            Step::Provider | Step::GrantType => {
                vec![("↑↓", "choose"), ("Enter", "next"), ("Esc", "back")]
            }
            Step::Contact => vec![("Enter", "next"), ("Tab", "next field"), ("Esc", "back")],
            Step::Scopes => vec![
                ("Space", "toggle"),
                ("F2", "min"),
                ("F3", "read-only"),
                ("Tab", "list"),
                ("Enter", "next"),
            ],
            Step::ClientSecret => vec![("Enter", "next"), ("Ctrl+R", "show/hide"), ("Esc", "back")],
            Step::Review => vec![
                ("↑↓", "choose"),
                ("Enter", "edit or run test"),
                ("Esc", "back"),
            ],
            Step::Test => match &self.test {
                TestState::Running { .. } => vec![("Esc", "cancel")],
                TestState::Passed(_) => vec![("Enter", "continue"), ("Esc", "back")],
                TestState::Failed {
                    confirm_unverified: true,
                    ..
                } => vec![("y", "save unverified"), ("n", "no")],
                TestState::Failed { .. } => vec![
                    ("c", "change field"),
                    ("r", "retry"),
                    ("u", "save unverified"),
                    ("Esc", "back"),
                ],
                _ => vec![("r", "retry"), ("Esc", "back")],
            },
            Step::Save => vec![
                ("Tab", "next option"),
                ("Space", "toggle"),
                ("Enter", "save"),
                ("Esc", "back"),
            ],
            Step::Done => vec![("Enter", "finish")],
            _ => vec![("Enter", "next"), ("Esc", "back")],
        };
        if !matches!(self.step, Step::Done) {
            keys.push(help);
            keys.push(("Ctrl+C", "quit"));
        }
        keys
    }

    pub fn render(&self, frame: &mut Frame, theme: Theme) {
        let (i, n) = self.step.position(self.provider);
        let indicator = if self.step == Step::Done {
            "done".into()
        } else {
            format!("{i}/{n} {}", self.step.title())
        };
        let steps = ALL
            .iter()
            .filter(|s| s.applies(self.provider))
            .map(|s| (s.title(), *s < self.step, *s == self.step))
            .collect();
        let chrome = Chrome {
            title: format!("oauth-setup · new {} profile", self.provider.display_name),
            indicator,
            steps,
            keys: self.keys(),
        };
        let body = layout::draw(frame, theme, &chrome);
        self.render_body(frame, body, theme);
    }

    fn help_text(&self) -> String {
        let h = &self.provider.help;
        match self.step {
            Step::Provider => "Which server issued (or will issue) the client? Coupa is built in; ServiceNow and any standard OAuth 2.0 server work the same way.".into(),
            Step::Instance => h.instance_url.clone(),
            Step::GrantType => h.grant_type.clone(),
            Step::ClientName => h.client_name.clone(),
            Step::Login => h.login.clone(),
            Step::Contact => format!("{} {}", h.contact_first_name, h.contact_last_name),
            Step::ContactEmail => h.contact_email.clone(),
            Step::Scopes => h.scopes.clone(),
            Step::ClientId => h.client_id.clone(),
            Step::ClientSecret => h.client_secret.clone(),
            Step::Review => "Check every value. Choose a line and press Enter to change it, or run the live test.".into(),
            Step::Test => "A real token request to the instance proves the client id, secret and scopes.".into(),
            Step::Save => "The profile goes to profiles.toml; the secret to the store you choose.".into(),
            _ => String::new(),
        }
    }

    fn render_body(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let help = self.help_text();
        let help_h = if help.is_empty() {
            0
        } else {
            (help.chars().count() as u16 / area.width.max(1)) + 2
        };
        let head = Paragraph::new(vec![
            Line::styled(self.step.title(), theme.title()),
            Line::raw(help),
        ])
        .wrap(Wrap { trim: true });
        frame.render_widget(
            head,
            Rect {
                height: help_h.min(area.height),
                ..area
            },
        );
        let body = Rect {
            y: area.y + help_h + 1,
            height: area.height.saturating_sub(help_h + 1),
            ..area
        };
        if body.height == 0 {
            return;
        }
        match self.step {
            Step::Provider => self.render_providers(frame, body, theme),
            Step::Instance => self.instance.render(frame, body, true, theme, None),
            Step::GrantType => self.render_grants(frame, body, theme),
            Step::ClientName => self.client_name.render(frame, body, true, theme, None),
            Step::Login => self.login.render(frame, body, true, theme, None),
            Step::Contact => {
                let half = Rect {
                    height: body.height.min(5),
                    ..body
                };
                self.first_name
                    .render(frame, half, self.contact_focus == 0, theme, None);
                let second = Rect {
                    y: body.y + half.height,
                    height: body.height.saturating_sub(half.height),
                    ..body
                };
                self.last_name
                    .render(frame, second, self.contact_focus == 1, theme, None);
            }
            Step::ContactEmail => self.email.render(frame, body, true, theme, None),
            Step::Scopes => self.scopes.render(frame, body, theme),
            Step::CreateClient => self.render_create(frame, body, theme),
            Step::ClientId => self.client_id.render(frame, body, true, theme, None),
            Step::ClientSecret => self.secret.render(frame, body, true, theme),
            Step::Review => self.render_review(frame, body, theme),
            Step::Test => self.render_test(frame, body, theme),
            Step::Save => self.render_save(frame, body, theme),
            Step::Done => self.render_done(frame, body, theme),
        }
    }

    fn render_providers(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let names = Provider::all()
            .iter()
            .map(|p| (p.display_name.as_str(), true));
        frame.render_widget(
            Paragraph::new(choice_lines(names, self.provider_cursor, theme)),
            area,
        );
    }

    fn render_grants(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let mut lines = choice_lines(GRANT_TYPES.into_iter(), self.grant_cursor, theme);
        if self.grant_error.is_some() {
            lines.push(Line::raw(""));
            lines.extend(problem_lines(self.grant_error.as_deref(), &[], theme));
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
    }

    fn create_lines(&self) -> Vec<String> {
        let instance = self
            .instance_value
            .as_ref()
            .map_or("your instance", |i| i.url.as_str());
        let scopes = if self.scope_values.is_empty() {
            "(none)".into()
        } else {
            self.scope_values.join(" ")
        };
        match self.provider.id.as_str() {
            "coupa" => vec![
                format!("1. Open {instance}/oauth2/clients"),
                "   (Setup > Integrations > OAuth2/OpenID Connect Clients) and click Create.".into(),
                "2. Grant type: Client credentials".into(),
                format!("3. Name: {}", self.client_name.value().trim()),
                format!("4. Login: {}", self.login.value().trim()),
                format!("5. Contact First Name: {}   Contact Last Name: {}", self.first_name.value().trim(), self.last_name.value().trim()),
                format!("6. Contact Email: {}", self.email.value().trim()),
                format!("7. Scopes: {scopes}"),
                "8. Save. Coupa shows the Identifier and the Secret (click Show);".into(),
                "   keep the page open and copy them into the next two steps.".into(),
            ],
            "servicenow" => vec![
                format!("1. On {instance}: System OAuth > Application Registry > New >"),
                "   Create an OAuth API endpoint for external clients.".into(),
                format!("2. Name: {}; leave Client Secret empty to generate one.", self.client_name.value().trim()),
                "3. Set an OAuth Application User, and make sure the system property".into(),
                "   glide.oauth.inbound.client.credential.grant_type.enabled is true.".into(),
                format!("4. Scopes: {scopes}"),
                "5. Save, then copy the Client ID and Client Secret into the next steps.".into(),
            ],
            _ => vec![
                "1. Register a confidential client with the client-credentials grant on the server.".into(),
                format!("2. Allow the scopes: {scopes}"),
                "3. Copy its client id and secret into the next steps.".into(),
            ],
        }
    }

    fn render_create(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let mut lines: Vec<Line> = vec![Line::styled(
            format!("Create the client in {} now:", self.provider.display_name),
            theme.focus(),
        )];
        lines.extend(self.create_lines().into_iter().map(Line::raw));
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "Press Enter when the client exists.",
            theme.dim(),
        ));
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn render_review(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let rows = self.review_rows();
        let cursor = self.review_cursor.min(rows.len() - 1);
        let lines: Vec<Line> = rows
            .iter()
            .enumerate()
            .map(|(i, (step, label, value))| {
                let here = if i == cursor { "▸" } else { " " };
                let text = if *step == Step::Test {
                    format!("{here} ▶ {value}")
                } else {
                    format!("{here} {label:<14} {value}")
                };
                let line = Line::raw(text);
                if i == cursor {
                    line.style(theme.selected())
                } else {
                    line
                }
            })
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
    }

    fn render_test(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let ctx = self.diagnosis_context();
        let mut lines = Vec::new();
        match &self.test {
            TestState::Idle => {}
            TestState::Running { .. } => {
                let spin = spinner(self.spinner);
                let url = self
                    .instance_value
                    .as_ref()
                    .map_or("", |i| i.token_url.as_str());
                lines.push(Line::raw(format!("{spin} requesting a token from {url} …")));
                lines.push(Line::styled("  Esc cancels", theme.dim()));
            }
            TestState::Cancelled => lines.push(Line::styled(
                "Cancelled. Press r to run the test again.",
                theme.warn(),
            )),
            TestState::Passed(ok) => {
                lines.push(Line::styled("✓ passed: the credentials work", theme.ok()));
                lines.push(Line::raw(format!(
                    "  asked for:  {}",
                    if self.scope_values.is_empty() {
                        "(no scopes)".into()
                    } else {
                        self.scope_values.join(" ")
                    }
                )));
                for l in test_ok_lines(ok, &self.scope_values) {
                    lines.push(Line::raw(format!("  {l}")));
                }
                if ok.auth != self.provider.default_client_auth {
                    lines.push(Line::raw(format!(
                        "  note: the server accepts {}; the profile will use it",
                        ok.auth
                    )));
                }
                lines.push(Line::styled(
                    "Press Enter to save the profile.",
                    theme.dim(),
                ));
            }
            TestState::Failed {
                failure,
                confirm_unverified,
            } => {
                let (summary, fix) = test_failure_lines(failure, &ctx);
                lines.push(Line::from(vec![
                    Span::styled("✗ failed: ", theme.error()),
                    Span::raw(summary),
                ]));
                lines.push(Line::from(vec![
                    Span::styled("  fix: ", theme.warn()),
                    Span::raw(fix),
                ]));
                lines.push(Line::raw(""));
                let target = Self::failing_step(&failure.failure);
                lines.push(Line::raw(format!(
                    "  c: change {} · r: retry · u: save unverified",
                    target.title().to_lowercase()
                )));
                if *confirm_unverified {
                    lines.push(Line::raw(""));
                    lines.push(Line::styled("Save without working credentials? verify will fail until they are fixed. y/n", theme.warn()));
                }
            }
        }
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    fn render_save(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let name_area = Rect {
            height: area.height.min(4),
            ..area
        };
        self.save.name.render(
            frame,
            name_area,
            self.save.focus == SaveFocus::Name,
            theme,
            None,
        );
        let focus_mark = |f| if self.save.focus == f { "▸" } else { " " };
        let check = if self.save.make_default { "[x]" } else { "[ ]" };
        let (kr, fl) = match self.save.store {
            SecretStoreKind::Keyring => ("(•)", "( )"),
            SecretStoreKind::File => ("( )", "(•)"),
        };
        let mut lines = vec![
            Line::raw(format!(
                "{} {check} make it the default profile",
                focus_mark(SaveFocus::Default)
            )),
            Line::raw(format!(
                "{} secret store: {kr} OS keyring   {fl} file (unencrypted)",
                focus_mark(SaveFocus::Store)
            )),
        ];
        if self.save.store == SecretStoreKind::File {
            lines.push(Line::styled("  ! the file store keeps the secret UNENCRYPTED on disk (0600, only you can read it)", theme.warn()));
        }
        if let Some(why) = &self.save.keyring_problem {
            lines.push(Line::from(vec![
                Span::styled("✗ the keyring cannot take the secret: ", theme.error()),
                Span::raw(why.clone()),
            ]));
            lines.push(Line::raw(
                "  fix the keyring and press Enter again, or choose the file store knowingly.",
            ));
        }
        if let Some(e) = &self.save.error {
            lines.push(Line::from(vec![
                Span::styled("✗ error: ", theme.error()),
                Span::raw(e.clone()),
            ]));
        }
        if !self.save.verified {
            lines.push(Line::styled(
                "  ! saving unverified: the live test did not pass",
                theme.warn(),
            ));
        }
        if self.save.saving {
            lines.push(Line::raw(format!("{} saving …", spinner(self.spinner))));
        }
        let rest = Rect {
            y: area.y + name_area.height,
            height: area.height.saturating_sub(name_area.height),
            ..area
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), rest);
    }

    fn render_done(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let Some(saved) = &self.saved else { return };
        let lines = vec![
            Line::styled(format!("✓ saved profile {}", saved.name), theme.ok()),
            Line::raw(format!("  profile: {}", saved.profiles_path)),
            Line::raw(format!("  secret:  {}", saved.secret_location)),
            Line::raw(""),
            Line::raw("Next:"),
            Line::raw(format!("  oauth-setup verify {}", saved.name)),
            Line::raw(format!("  oauth-setup token {}", saved.name)),
        ];
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }

    pub fn diagnosis_context(&self) -> crate::token::Context {
        let (url, token_url) = self
            .instance_value
            .as_ref()
            .map_or(("", ""), |i| (i.url.as_str(), i.token_url.as_str()));
        self.provider.diagnosis_context(url, token_url)
    }
}

/// A list of choices, one marked as chosen; choices not offered yet are dimmed.
fn choice_lines<'a>(
    items: impl Iterator<Item = (&'a str, bool)>,
    cursor: usize,
    theme: Theme,
) -> Vec<Line<'a>> {
    items
        .enumerate()
        .map(|(i, (name, available))| {
            let (mark, style) = match (i == cursor, available) {
                (true, _) => ("▸ (•)", theme.selected()),
                (false, true) => ("  ( )", Style::default()),
                (false, false) => ("  ( )", theme.dim()),
            };
            Line::styled(format!("{mark} {name}"), style)
        })
        .collect()
}
