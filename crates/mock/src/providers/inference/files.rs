//! inference.sh's uploads, as sdk-js `files.ts` sends them: `POST /files`
//! creates the records, `PUT upload_url` takes the raw bytes (presigned:
//! no auth), `GET uri` returns them. Task images must be such uris (see
//! the module above).

use super::*;

/// `POST /files {files: [{filename, content_type, size?}]}`
pub(super) async fn create_files(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let scenario = match authenticate(&headers, AuthStyle::Bearer) {
        Ok(s) => s,
        Err(e) => return error(envelope(&q, None), ApiError::Auth(e)),
    };
    let env = envelope(&q, Some(scenario));
    let obj = match check::parse_object(&body) {
        Ok(o) => o,
        Err(inv) => return error(env, ApiError::Invalid(inv)),
    };
    let files = match obj.get("files") {
        Some(Value::Array(f)) if !f.is_empty() && f.len() <= 16 => f,
        Some(Value::Array(_)) => {
            return error(
                env,
                ApiError::Invalid(Invalid::new(
                    "files",
                    Kind::TooMany,
                    "files must list 1 to 16 files",
                )),
            );
        }
        _ => {
            return error(
                env,
                ApiError::Invalid(Invalid::new(
                    "files",
                    Kind::Missing,
                    "files (an array) is required",
                )),
            );
        }
    };
    let origin = answer::origin(&headers);
    let mut out = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let Value::Object(f) = f else {
            return error(
                env,
                ApiError::Invalid(Invalid::new(
                    format!("files[{i}]"),
                    Kind::Type,
                    "each file must be an object",
                )),
            );
        };
        let within = |e: Invalid| Invalid {
            field: format!("files[{i}].{}", e.field),
            ..e
        };
        let filename = match check::opt_str(f, "filename").map_err(within) {
            Ok(n) => sanitize(n.unwrap_or("file")),
            Err(inv) => return error(env, ApiError::Invalid(inv)),
        };
        let content_type = match check::opt_str(f, "content_type").map_err(within) {
            Ok(c) => c.unwrap_or("application/octet-stream").to_string(),
            Err(inv) => return error(env, ApiError::Invalid(inv)),
        };
        let size = f.get("size").and_then(Value::as_u64);
        let id = state.short_id(26);
        state.insert_file(
            id.clone(),
            Upload {
                filename: filename.clone(),
                content_type: content_type.clone(),
                bytes: None,
            },
        );
        out.push(json!({
            "id": id,
            "uri": format!("{origin}{PREFIX}/cdn/{id}/{filename}"),
            "upload_url": format!("{origin}{PREFIX}/uploads/{id}?X-Amz-Signature=mock{}", state.short_id(16)),
            "filename": filename,
            "content_type": content_type,
            "size": size,
            "created_at": rfc3339(SystemTime::now()),
        }));
    }
    ok(env, StatusCode::OK, Value::Array(out))
}

pub(super) fn sanitize(name: &str) -> String {
    let s: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(64)
        .collect();
    if s.is_empty() || s.starts_with('.') {
        format!("file{s}")
    } else {
        s
    }
}

/// `PUT upload_url`: the raw bytes; no auth (presigned).
pub(super) async fn upload(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    if state.fill_file(&id, body.to_vec()) {
        StatusCode::OK.into_response()
    } else {
        let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchUpload</Code><Message>The upload does not exist.</Message></Error>\n";
        let mut res = (StatusCode::NOT_FOUND, xml).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/xml"),
        );
        res
    }
}

/// `GET uri`: the uploaded bytes.
pub(super) async fn download(
    State(state): State<AppState>,
    Path((id, _name)): Path<(String, String)>,
) -> Response {
    match state.file(&id) {
        Some(FileRecord {
            content_type,
            bytes: Some(bytes),
        }) => {
            let mut res = (StatusCode::OK, bytes.as_ref().clone()).into_response();
            if let Ok(v) = HeaderValue::from_str(&content_type) {
                res.headers_mut().insert(header::CONTENT_TYPE, v);
            }
            res
        }
        _ => (StatusCode::NOT_FOUND, "file not found\n").into_response(),
    }
}
