//! Rows the tests build directly: a campaign starts from the application's own defaults
//! (`gongshi::campaigns::CampaignSettings::DEFAULT`), and a test names only what it needs to
//! differ.
use crate::helpers::TestApp;
use chrono::{DateTime, Utc};
use entity::campaigns;
use gongshi::campaigns::CampaignSettings;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

/// The 2025 campaign as a test needs it:
///
/// ```ignore
/// let campaign = CampaignFixture::new("2025").organizer(province).insert(&app).await;
/// ```
///
/// Unless told otherwise: year 2025, 第十八届, titled 2025年度甘肃省职工技术成果征集活动, no
/// document number or organiser, no award grades (`[]`), the default settings, created at the
/// test clock's instant.
pub struct CampaignFixture {
    code: String,
    title: String,
    doc_number: Option<String>,
    organizer: Option<i32>,
    award_grades: String,
    settings: CampaignSettings,
    created_at: Option<DateTime<Utc>>,
}

impl CampaignFixture {
    pub fn new(code: &str) -> Self {
        Self {
            code: code.into(),
            title: "2025年度甘肃省职工技术成果征集活动".into(),
            doc_number: None,
            organizer: None,
            award_grades: "[]".into(),
            settings: CampaignSettings::DEFAULT,
            created_at: None,
        }
    }

    pub fn title(mut self, title: &str) -> Self {
        self.title = title.into();
        self
    }

    /// The campaign's document (发文字号), e.g. 甘总工办发〔2025〕8号.
    pub fn doc_number(mut self, doc_number: &str) -> Self {
        self.doc_number = Some(doc_number.into());
        self
    }

    pub fn organizer(mut self, unit_id: i32) -> Self {
        self.organizer = Some(unit_id);
        self
    }

    /// The grades the campaign awards, as stored: a JSON list of grade codes.
    pub fn award_grades(mut self, json: &str) -> Self {
        self.award_grades = json.into();
        self
    }

    /// Settings other than the defaults: `CampaignSettings { closing_minute: 18 * 60,
    /// ..CampaignSettings::DEFAULT }`.
    pub fn settings(mut self, settings: CampaignSettings) -> Self {
        self.settings = settings;
        self
    }

    /// When the campaign was created, instead of the test clock's instant.
    pub fn created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = Some(at);
        self
    }

    /// Inserts the campaign; returns its id.
    pub async fn insert(self, app: &TestApp) -> i32 {
        campaigns::ActiveModel {
            code: Set(self.code),
            year: Set(2025),
            edition: Set("第十八届".into()),
            title: Set(self.title),
            doc_number: Set(self.doc_number),
            organizer_unit_id: Set(self.organizer),
            award_grades: Set(self.award_grades),
            created_at: Set(self.created_at.unwrap_or_else(|| app.clock_now())),
            ..self.settings.row()
        }
        .insert(&app.db)
        .await
        .expect("campaign inserted")
        .id
    }
}
