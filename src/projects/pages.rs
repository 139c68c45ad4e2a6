//! Public project routes: the import template download.
use crate::error::{AppError, PageResult};
use actix_web::{HttpResponse, http::header};

pub async fn template_xlsx() -> PageResult<HttpResponse> {
    let bytes = super::template::projects_xlsx().map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"projects.xlsx\"; filename*=UTF-8''%E9%A1%B9%E7%9B%AE%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"))
        .body(bytes))
}
