//! Drawing the wizard: one body per step inside the common frame.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::step::{ALL, Step};
use super::{Client, ContactFocus, InstanceNote, Wizard};
use crate::rules::provider::Provider;
use crate::tui::widgets::layout::{self, Chrome, StepMark};
use crate::tui::widgets::text_field::problem_lines;
use crate::tui::widgets::theme::{Paint, Theme};
use crate::tui::widgets::wrap;

impl Wizard {
    /// Whether the step shows an error for its value.
    #[cfg(test)]
    pub fn shows_problem(&self) -> bool {
        let field = |f: &crate::tui::widgets::text_field::TextField| f.error.is_some();
        match self.step {
            Step::Instance => field(&self.instance),
            Step::ClientName => field(&self.client_name),
            Step::Login => field(&self.login),
            Step::Contact => field(&self.first_name) || field(&self.last_name),
            Step::ContactEmail => field(&self.email),
            Step::Scopes => self.scopes.error.is_some() || field(&self.scopes.paste),
            Step::ClientId => field(&self.client_id),
            Step::ClientSecret => field(&self.secret.field),
            Step::GrantType => self.grant_error.is_some(),
            Step::Save => field(&self.save.name),
            _ => false,
        }
    }

    /// What the help adds to the keys on this step.
    pub fn help_notes(&self) -> Vec<&'static str> {
        let mut notes = vec![
            "A warning (host outside the provider's domains, unknown scope)",
            "needs a second Enter. Esc goes back and keeps what was accepted.",
        ];
        if self.step == Step::Scopes && self.scopes.catalogued() {
            notes.push("R W D X: read, write, delete or special access.");
        }
        notes
    }

    pub fn render(&self, frame: &mut Frame, paint: &Paint) {
        let theme = paint.theme;
        let (i, n) = self.route().position(self.step);
        let indicator = if self.step == Step::Done {
            "done".into()
        } else {
            format!("{i}/{n} {}", self.route().title(self.step))
        };
        let steps = ALL
            .iter()
            .filter(|s| self.route().applies(**s))
            .map(|s| StepMark::new(self.route().title(*s), (*s).cmp(&self.step)))
            .collect();
        // On the first step the title follows the highlighted provider, not the last chosen one.
        let shown = match self.step {
            Step::Provider => Provider::all()
                .get(self.provider_cursor)
                .unwrap_or(self.provider),
            _ => self.provider,
        };
        let chrome = Chrome {
            title: match &self.editing {
                Some(e) => format!("oauth-setup · edit profile {}", e.name),
                None => format!("oauth-setup · new {} profile", shown.display_name),
            },
            indicator,
            steps,
            keys: self.keys(),
        };
        let offered = self.body.overflows();
        let body = layout::draw(frame, theme, &chrome);
        self.render_body(frame, body, paint);
        // Only the drawn text knows whether it is taller than the screen, and the legend offers
        // PgUp/PgDn exactly then: when that changed, draw again with the legend that says so.
        if self.body.overflows() != offered {
            frame.buffer_mut().reset();
            let chrome = Chrome {
                keys: self.keys(),
                ..chrome
            };
            let body = layout::draw(frame, theme, &chrome);
            self.render_body(frame, body, paint);
        }
    }

    pub fn help_text(&self) -> String {
        let h = &self.provider.help;
        match self.step {
            Step::Provider => "Which server issued (or will issue) the client? Coupa is built in; ServiceNow and any standard OAuth 2.0 server work the same way.".into(),
            Step::Instance => h.instance_url.clone(),
            Step::GrantType => h.grant_type.clone(),
            Step::ClientName => h.client_name.clone(),
            Step::Login => h.login.clone(),
            Step::Contact => h.contact(),
            Step::ContactEmail => h.contact_email.clone(),
            Step::Scopes => h.scopes.clone(),
            Step::ClientId => h.client_id.clone(),
            Step::ClientSecret => h.client_secret.clone(),
            Step::Review if self.is_edit() => "Choose a line and press Enter to change it. A change the server sees is tested live (or signed in) before it is saved.".into(),
            Step::Review if self.route().signs_in() => "Check every value. Choose a line and press Enter to change it, or sign in.".into(),
            Step::Review => "Check every value. Choose a line and press Enter to change it, or run the live test.".into(),
            Step::Test if self.route().signs_in() => "You sign in once as the user the integration acts for; the refresh token it leaves keeps the profile working without a browser.".into(),
            Step::Test => "A real token request to the instance proves the client id, secret and scopes.".into(),
            Step::Save if self.route().signs_in() => "The profile goes to profiles.toml; the secret and the tokens to the store you choose.".into(),
            Step::Save => "The profile goes to profiles.toml; the secret to the store you choose.".into(),
            _ => String::new(),
        }
    }

    fn render_body(&self, frame: &mut Frame, area: Rect, paint: &Paint) {
        let theme = paint.theme;
        let body = self.render_head(frame, area, theme);
        if body.height == 0 {
            return;
        }
        match self.step {
            Step::Provider => self.render_providers(frame, body, theme),
            Step::Instance => self.render_instance(frame, body, paint),
            Step::GrantType => self.render_grants(frame, body, theme),
            Step::ClientName => self.client_name.render(frame, body, true, theme, None),
            Step::Login => self.login.render(frame, body, true, theme, None),
            Step::Contact => self.render_contact(frame, body, theme),
            Step::ContactEmail => self.email.render(frame, body, true, theme, None),
            Step::Scopes => self.scopes.render(frame, body, theme),
            Step::CreateClient => self.render_create(frame, body, theme),
            Step::ClientId => self.client_id.render(frame, body, true, theme, None),
            Step::ClientSecret => self.secret.render(frame, body, true, theme),
            Step::Review => self.render_review(frame, body, theme),
            Step::Test if self.route().signs_in() => self.render_sign_in(frame, body, paint),
            Step::Test => self.render_test(frame, body, paint),
            Step::Save => self.render_save(frame, body, paint),
            Step::Done => self.render_done(frame, body, theme),
        }
    }

    /// The step's title and help; returns the area below them.
    fn render_head(&self, frame: &mut Frame, area: Rect, theme: Theme) -> Rect {
        let help = self.help_text();
        let mut head = vec![Line::styled(self.route().title(self.step), theme.title())];
        if !help.is_empty() {
            head.extend(wrap::hanging_all(vec![Line::raw(help)], area.width));
        }
        // The help is read in full: the step's body gets what is left.
        let head_h = u16::try_from(head.len())
            .unwrap_or(u16::MAX)
            .min(area.height);
        frame.render_widget(
            Paragraph::new(head),
            Rect {
                height: head_h,
                ..area
            },
        );
        let used = head_h.saturating_add(1).min(area.height);
        Rect {
            y: area.y + used,
            height: area.height - used,
            ..area
        }
    }

    fn render_contact(&self, frame: &mut Frame, body: Rect, theme: Theme) {
        let half = Rect {
            height: body.height.min(5),
            ..body
        };
        let first = self.contact_focus == ContactFocus::First;
        self.first_name.render(frame, half, first, theme, None);
        let second = Rect {
            y: body.y + half.height,
            height: body.height.saturating_sub(half.height),
            ..body
        };
        self.last_name.render(frame, second, !first, theme, None);
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

    fn render_instance(&self, frame: &mut Frame, area: Rect, paint: &Paint) {
        self.instance.render(frame, area, true, paint.theme, None);
        if self.discovering.is_some() && area.height > 3 {
            let below = Rect {
                y: area.y + 3,
                height: area.height - 3,
                ..area
            };
            let line = Line::raw(format!(
                "{} reading the server's metadata (/.well-known) … Esc stops",
                paint.spin()
            ));
            frame.render_widget(wrap::paragraph(vec![line], below), below);
        }
    }

    fn render_grants(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let labels: Vec<&str> = self.grants().into_iter().map(|g| g.label()).collect();
        let items = labels.iter().map(|l| (*l, true));
        let mut lines = Vec::new();
        if let Some(note) = &self.instance_note {
            let note = match note {
                InstanceNote::TakenAsTokenUrl => {
                    "no server metadata at this address: it is taken as the token URL".into()
                }
                InstanceNote::ReadMetadata { issuer, token_url } => {
                    format!("read {issuer}'s metadata: token endpoint {token_url}")
                }
            };
            lines.push(Line::styled(format!("• {note}"), theme.ok()));
            lines.push(Line::raw(""));
        }
        lines.extend(choice_lines(items, self.grant_cursor, theme));
        let mark = |on: bool| if on { "[x]" } else { "[ ]" };
        lines.push(Line::raw(""));
        lines.push(Line::raw(format!(
            "  {} I already have this client: skip its form and the checklist (h)",
            mark(self.client == Client::Exists)
        )));
        if self.offers_public() {
            lines.push(Line::raw(format!(
                "  {} Public client: no secret, PKCE alone (authorization code only) (p)",
                mark(self.draft.public)
            )));
        }
        if let Some(e) = &self.grant_error {
            lines.push(Line::raw(""));
            lines.extend(problem_lines(Some(e.message.as_str()), &[], theme));
        }
        frame.render_widget(self.scrolled(lines, area, theme), area);
    }

    fn create_lines(&self) -> Vec<String> {
        let d = &self.draft;
        let instance = d
            .instance
            .as_ref()
            .map_or("your instance", |i| i.url.as_str());
        let scopes = match d.scopes() {
            [] => "(none)".to_string(),
            s => s.join(" "),
        };
        // A value not given is named as such, never left as a gap ("Name: ;").
        let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "(not given)".into());
        let grant = d.grant.map_or("", |g| g.label());
        let redirect_uris = crate::protocol::authorize::DEFAULT_REDIRECT_URIS.join(", ");
        self.provider.create_client_lines(
            d.grant,
            &[
                ("redirect_uris", &redirect_uris),
                ("instance", instance),
                ("grant", grant),
                ("client_name", &text(&d.form.name)),
                ("login", &text(&d.form.login)),
                ("first_name", &text(&d.form.contact_first_name)),
                ("last_name", &text(&d.form.contact_last_name)),
                ("email", &text(&d.form.contact_email)),
                ("scopes", &scopes),
            ],
        )
    }

    /// `lines` wrapped to `area`, from the scrolled line on; when they do not fit, the last row
    /// says there is more, and PgUp/PgDn scroll (the legend offers them).
    fn scrolled(&self, lines: Vec<Line<'static>>, area: Rect, theme: Theme) -> Paragraph<'static> {
        let lines = wrap::hanging_all(lines, area.width);
        let (top, more) = self.body.fit(lines.len(), usize::from(area.height));
        let mut shown: Vec<Line> = lines
            .into_iter()
            .skip(top)
            .take(usize::from(area.height))
            .collect();
        if more && let Some(last) = shown.last_mut() {
            *last = Line::styled("  ↓ more below: PgDn", theme.dim());
        }
        Paragraph::new(shown)
    }

    fn render_create(&self, frame: &mut Frame, area: Rect, theme: Theme) {
        let mut lines: Vec<Line> = vec![Line::styled(
            format!("Create the client in {} now:", self.provider.display_name),
            theme.focus(),
        )];
        lines.extend(self.create_lines().into_iter().map(Line::raw));
        lines.push(Line::raw(""));
        // What to do next is an instruction, not a footnote: never dimmed.
        lines.push(Line::styled(
            "Press Enter when the client exists.",
            theme.focus(),
        ));
        frame.render_widget(self.scrolled(lines, area, theme), area);
    }

    pub fn diagnosis_context(&self) -> crate::protocol::token::Context {
        let (url, token_url) = self
            .draft
            .instance
            .as_ref()
            .map_or(("", ""), |i| (i.url.as_str(), i.token_url.as_str()));
        crate::protocol::token::Context {
            surface: crate::protocol::token::Surface::App,
            ..self.provider.diagnosis_context(url, token_url)
        }
    }
}

/// A list of choices, one marked as chosen; choices not offered yet are dimmed.
fn choice_lines<'a>(
    items: impl Iterator<Item = (&'a str, bool)>,
    cursor: usize,
    theme: Theme,
) -> Vec<Line<'static>> {
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

/// Below this many rows the save step shows the profile name on one line while another option
/// has the focus, so what the stores say has room.
pub(super) const SAVE_ROOM: u16 = 16;
