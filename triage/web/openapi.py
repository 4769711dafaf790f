"""OpenAPI 3 description of the JSON API, served at /api/v1/openapi.json."""

from __future__ import annotations

from triage import __version__


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema_ref: str, description: str = "OK") -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_ref}"}}}}


ERRORS = {"400": _error("malformed JSON"), "401": _error("missing or invalid token"),
          "403": _error("outside the caller's role or agency"), "413": _error("body or text too large"),
          "415": _error("not application/json"), "422": _error("invalid field (code names it)")}

ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
VERSION = {"name": "version", "in": "path", "required": True, "schema": {"type": "string"}}
USERNAME = {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}

CANDIDATE = {"type": "object", "properties": {"code": {"type": "string"}, "name": {"type": "string"},
                                              "probability": {"type": "number"}}}
SUGGESTION = {"type": "object", "properties": {
    "model_version": {"type": "string"},
    "category_top": {"type": "array", "items": CANDIDATE, "maxItems": 3},
    "agency_top": {"type": "array", "items": CANDIDATE, "maxItems": 3},
    "needs_review": {"type": "boolean"},
    "misinformation": {"type": "object", "properties": {"score": {"type": "number", "nullable": True},
                                                        "flag": {"type": "boolean"},
                                                        "reasons": {"type": "array", "items": {"type": "string"}}}},
    "explanation": {"type": "array", "items": {"type": "object", "properties": {
        "term": {"type": "string"}, "words": {"type": "array", "items": {"type": "string"}},
        "weight": {"type": "number"}}}}}}
NEW_COMPLAINT = {"type": "object", "required": ["external_id", "text"], "properties": {
    "external_id": {"type": "string", "maxLength": 120}, "text": {"type": "string"},
    "channel": {"type": "string", "enum": ["web", "sms", "social", "email", "phone", "other"], "default": "web"},
    "district": {"type": "string"}, "received_at": {"type": "string", "format": "date-time"},
    "reporter": {"type": "string"}, "reporter_confidential": {"type": "boolean", "default": True}}}
COMPLAINT = {"type": "object", "properties": {
    "id": {"type": "integer"}, "external_id": {"type": "string"}, "channel": {"type": "string"},
    "district": {"type": "string", "nullable": True}, "text": {"type": "string", "description": "personal data masked"},
    "text_original": {"type": "string", "description": "one complaint with identity=true (coordinators; audited)"},
    "reporter": {"type": "string", "description": "when not confidential; else with identity=true (coordinators; "
                                                  "audited)"},
    "status": {"type": "string", "enum": ["pending_review", "needs_verification", "routed", "resolved", "duplicate"]},
    "received_at": {"type": "string", "format": "date-time"}, "due_at": {"type": "string", "format": "date-time"},
    "overdue": {"type": "boolean"}, "category": {"type": "string"}, "agency": {"type": "string"},
    "misinformation": {"type": "boolean", "nullable": True}, "flagged": {"type": "boolean"},
    "responded_at": {"type": "string", "format": "date-time", "nullable": True,
                     "description": "the routed agency's first follow-up"},
    "returned_by": {"type": "string", "nullable": True,
                    "description": "the agency that handed it back, until it is routed again"},
    "reopened_at": {"type": "string", "format": "date-time", "nullable": True,
                    "description": "the latest reopening after a resolution the reporter objected to"},
    "duplicate_of": {"type": "integer", "nullable": True,
                     "description": "status duplicate: the complaint this report repeats"},
    "merged_at": {"type": "string", "format": "date-time", "nullable": True},
    "duplicates": {"type": "integer", "description": "in lists: duplicate reports merged into this complaint "
                                                    "(the detail lists them)"},
    "revision": {"type": "integer"}, "suggestion": {"$ref": "#/components/schemas/Suggestion"}}}
USER = {"type": "object", "properties": {
    "username": {"type": "string"}, "role": {"type": "string", "enum": ["coordinator", "agency", "auditor", "integration"]},
    "agency": {"type": "string", "nullable": True}, "active": {"type": "boolean"}, "has_password": {"type": "boolean"},
    "locked_until": {"type": "string", "format": "date-time", "nullable": True},
    "created_at": {"type": "string", "format": "date-time"},
    "last_login": {"type": "string", "format": "date-time", "nullable": True},
    "tokens": {"type": "integer", "description": "API tokens not revoked"}}}
USER_WITH_TOKEN = {"type": "object", "properties": {"user": {"$ref": "#/components/schemas/User"},
                                                    "token": {"type": "string", "description": "shown only here"}}}

OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "triage — SP4N-LAPOR! complaint triage", "version": __version__},
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                       "description": "token from `triage users add`"}},
        "schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}}}}},
            "Suggestion": SUGGESTION, "NewComplaint": NEW_COMPLAINT, "Complaint": COMPLAINT,
            "User": USER, "UserWithToken": USER_WITH_TOKEN,
        },
    },
    "security": [{"bearer": []}],
    "paths": {
        "/healthz": {"get": {"summary": "process up", "security": [], "responses": {"200": {"description": "up"}}}},
        "/readyz": {"get": {"summary": "database reachable and model loaded", "security": [],
                            "responses": {"200": {"description": "ready"}, "503": {"description": "not ready"}}}},
        "/metrics": {"get": {
            "summary": "Prometheus text format: requests and latency per route, complaints by status, overdue ones by "
                       "status and agency, jobs by status, the model version (coordinator, auditor, integration)",
            "responses": {"200": {"description": "metrics", "content": {"text/plain": {}}}, **ERRORS}}},
        "/api/v1/suggest": {"post": {
            "summary": "stateless suggestion for one complaint text (any role)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {"text": {"type": "string"}, "district": {"type": "string"}}}}}},
            "responses": {"200": _json("Suggestion"), **ERRORS}}},
        "/api/v1/complaints": {
            "post": {"summary": "ingest one complaint or a list of up to 1,000 (coordinator, integration); "
                                "idempotent on external_id",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {"oneOf": [
                         {"$ref": "#/components/schemas/NewComplaint"},
                         {"type": "array", "maxItems": 1000, "items": {"$ref": "#/components/schemas/NewComplaint"}}]}}}},
                     "responses": {"201": {"description": "at least one stored"},
                                   "200": {"description": "all already known"}, **ERRORS}},
            "get": {"summary": "list complaints, most urgent first (coordinator, auditor; agency: own); format=csv "
                               "streams every match, oldest first (masked text, no reporter; audited)",
                    "parameters": [{"name": n, "in": "query", "schema": {"type": t}} for n, t in (
                        ("status", "string"), ("agency", "string"), ("category", "string"), ("flagged", "boolean"),
                        ("overdue", "boolean"), ("returned", "boolean"), ("responded", "boolean"), ("reopened", "boolean"),
                        ("received_from", "string"),
                        ("received_to", "string"), ("q", "string"), ("district", "string"), ("cursor", "string"), ("limit", "integer"),
                        ("format", "string"))],
                    "responses": {"200": {"description": "items and next_cursor (or text/csv)", "content": {"application/json": {
                        "schema": {"type": "object", "properties": {
                            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Complaint"}},
                            "next_cursor": {"type": "string", "nullable": True}}}}}}, **ERRORS}},
        },
        "/api/v1/audit": {"get": {
            "summary": "audit events, newest first (coordinator, auditor); action matches an action or its group "
                       "(complaint, user, model, job, hoaxes, queue); a date alone in until includes that day; "
                       "format=csv streams every matching event as CSV",
            "parameters": [{"name": n, "in": "query", "schema": {"type": t}} for n, t in (
                ("action", "string"), ("user", "string"), ("complaint_id", "integer"), ("since", "string"),
                ("until", "string"), ("cursor", "string"), ("limit", "integer"), ("format", "string"))],
            "responses": {"200": {"description": "items (id, at, user, user_id, action, complaint_id, detail) and "
                                                 "next_cursor, or text/csv"}, **ERRORS}}},
        "/api/v1/complaints/{id}": {"get": {
            "summary": "complaint with suggestion history, decisions, resolutions and audit; identity=true adds the "
                       "reporter and the unmasked text (coordinators; audited as complaint.identity_viewed)",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                           {"name": "identity", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {"200": _json("Complaint"), "404": _error("no such complaint"), **ERRORS}}},
        "/api/v1/complaints/{id}/decision": {"post": {
            "summary": "route (or re-route) a complaint (coordinator; agency: own)",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["category", "agency", "expected_revision"],
                "properties": {"category": {"type": "string"}, "agency": {"type": "string"},
                               "misinformation": {"type": "boolean"}, "note": {"type": "string"},
                               "expected_revision": {"type": "integer"}}}}}},
            "responses": {"200": {"description": "routed"}, "409": _error("changed in between"), **ERRORS}}},
        "/api/v1/complaints/{id}/follow-up": {"post": {
            "summary": "record a follow-up (tindak lanjut) of the routed agency (coordinator; agency: own); the "
                       "first since routing meets the response deadline and due_at moves to the resolution deadline",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["text"],
                "properties": {"text": {"type": "string", "maxLength": 5000}}}}}},
            "responses": {"200": {"description": "id, status, revision, first, responded_at, due_at"},
                          "409": _error("not routed"), **ERRORS}}},
        "/api/v1/complaints/{id}/return": {"post": {
            "summary": "hand a complaint routed to the caller's agency back to the coordinators, with the reason "
                       "(agency liaisons); it waits for routing again",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason", "expected_revision"],
                "properties": {"reason": {"type": "string", "maxLength": 2000},
                               "expected_revision": {"type": "integer"}}}}}},
            "responses": {"200": {"description": "back in the queue (status pending_review, returned_by)"},
                          "409": _error("not routed to the caller's agency, or changed in between"), **ERRORS}}},
        "/api/v1/changes": {"get": {
            "summary": "what happened to complaints, oldest first, for the system they came from (integration, "
                       "coordinator): routed (agency, category), followed_up (agency, text), returned (agency), "
                       "resolved (agency, outcome), reopened (agency), merged (into_complaint_id, "
                       "into_external_id: the complaint this report repeats), unmerged; never verdicts, notes or "
                       "names",
            "parameters": [{"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                           {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                       "maximum": 500}}],
            "responses": {"200": {"description": "items (id, at, kind, complaint_id, external_id, ...) and "
                                                 "next_after, the cursor for the next call"}, **ERRORS}}},
        "/api/v1/retention/purge": {"post": {
            "summary": "erase the reporter and the unmasked text of complaints resolved more than older_than_days "
                       "(>= 30) days ago and mask personal data in officers' notes, hand-back reasons, follow-ups "
                       "and outcomes on them; masked text, decisions and audit stay (coordinator; audited as "
                       "retention.purged)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["older_than_days"],
                "properties": {"older_than_days": {"type": "integer", "minimum": 30},
                               "dry_run": {"type": "boolean", "default": False}}}}}},
            "responses": {"200": {"description": "complaints (purged, or that would be), officer_texts (masked, "
                                                 "or that would be), resolved_before, dry_run"},
                          **ERRORS}}},
        "/api/v1/complaints/{id}/resolution": {"post": {
            "summary": "mark resolved (coordinator; agency: own)",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["outcome", "final_agency"],
                "properties": {"outcome": {"type": "string"}, "final_agency": {"type": "string"}}}}}},
            "responses": {"200": {"description": "resolved"}, "409": _error("already resolved"), **ERRORS}}},
        "/api/v1/complaints/{id}/reopen": {"post": {
            "summary": "reopen a resolved complaint whose reporter objects to the outcome, with the reason "
                       "(coordinator): back to the agency it was routed to, with a fresh resolution deadline from "
                       "now (never routed: back to review); audited as complaint.reopened",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason", "expected_revision"],
                "properties": {"reason": {"type": "string", "maxLength": 2000},
                               "expected_revision": {"type": "integer"}}}}}},
            "responses": {"200": {"description": "id, status, revision, agency, due_at"},
                          "409": _error("not resolved, or changed since expected_revision"), **ERRORS}}},
        "/api/v1/complaints/{id}/merge": {"post": {
            "summary": "close a duplicate report into the complaint it repeats (coordinator): status duplicate, no "
                       "deadline; duplicates already merged into this one move on with it; audited as "
                       "complaint.merged",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["into", "expected_revision"],
                "properties": {"into": {"type": "integer"}, "expected_revision": {"type": "integer"}}}}}},
            "responses": {"200": {"description": "id, status, revision, duplicate_of, moved (ids)"},
                          "409": _error("already resolved or a duplicate, or changed since expected_revision"),
                          **ERRORS}}},
        "/api/v1/complaints/{id}/unmerge": {"post": {
            "summary": "undo a merge made in error (coordinator): back to review with a fresh routing deadline; "
                       "audited as complaint.unmerged",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["expected_revision"],
                "properties": {"expected_revision": {"type": "integer"}}}}}},
            "responses": {"200": {"description": "id, status, revision, due_at"},
                          "409": _error("not a duplicate, or changed since expected_revision"), **ERRORS}}},
        "/api/v1/jobs/reclassify": {"post": {
            "summary": "upload a backlog file (.csv/.jsonl/.parquet) to reclassify in the background (coordinator)",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
            "responses": {"202": {"description": "queued job"}, **ERRORS}}},
        "/api/v1/jobs": {"get": {
            "summary": "background jobs, newest first: file name, who uploaded it, status, progress (coordinator)",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                       "maximum": 200, "default": 50}}],
            "responses": {"200": {"description": "jobs: a list of jobs as GET /api/v1/jobs/{id} gives them"},
                          **ERRORS}}},
        "/api/v1/jobs/{id}": {"get": {
            "summary": "job status and progress: queued, running, done, failed (with the reason), deleted (its "
                       "files removed); when done, result and (if any row could not be scored) rejects give the "
                       "files' paths",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "job"}, "404": _error("no such job"), **ERRORS}},
            "delete": {
            "summary": "remove an ended job's result and rejected rows (coordinator); the job stays listed with "
                       "status deleted; audited as job.deleted",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "job"}, "404": _error("no such job"),
                          "409": _error("queued or running"), **ERRORS}}},
        "/api/v1/jobs/{id}/result": {"get": {
            "summary": "the reclassified CSV once the job is done",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}},
                          "409": _error("not done yet"), **ERRORS}}},
        "/api/v1/jobs/{id}/rejects": {"get": {
            "summary": "the rows a finished job could not score (row, id, reason) as CSV",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}},
                          "404": _error("no such job, not done yet, or no rejected rows"), **ERRORS}}},
        "/api/v1/stats": {"get": {
            "summary": "counts, overdue, and acceptance of suggestions per model version (coordinator, auditor); "
                       "each process reuses its figures for `max_age_seconds` (`computed_at` says when they were "
                       "computed) unless `fresh=true`",
            "parameters": [{"name": "fresh", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {"200": {"description": "statistics"}, **ERRORS}}},
        "/api/v1/stats/recap": {"get": {
            "summary": "complaints received in a period, per agency (decided, else suggested) and in total: "
                       "received, awaiting_review, routed, resolved, routed_late, unrouted_overdue (against the SOP "
                       "routing deadline), responded_late, unanswered_overdue (the first follow-up against the response "
                       "deadline), handed_back (by the agency that did), reopened, median_hours_to_route, median_days_to_resolve (coordinator, auditor); a "
                       "date alone in received_to includes that day; format=csv gives one row per agency, then TOTAL; "
                       "reused per period like /api/v1/stats unless `fresh=true`",
            "parameters": [{"name": n, "in": "query", "schema": {"type": "string"}}
                           for n in ("received_from", "received_to", "format")]
                          + [{"name": "fresh", "in": "query", "schema": {"type": "boolean"}}],
            "responses": {"200": {"description": "received_from, received_to, computed_at, max_age_seconds, total, "
                                                 "agencies (or text/csv)"},
                          **ERRORS}}},
        "/api/v1/complaints/{id}/similar": {"get": {
            "summary": "possible duplicates of a complaint (same reporter channel, similar text)",
            "parameters": [ID],
            "responses": {"200": {"description": "items"}, "404": _error("no such complaint"), **ERRORS}}},
        "/api/v1/complaints/bulk-accept": {"post": {
            "summary": "route the selected complaints to their top suggestion when at least `threshold` sure; "
                       "`dry_run` says which would be routed and the expected error rate",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["ids", "threshold"],
                "properties": {"ids": {"type": "array", "items": {"type": "integer"}},
                               "threshold": {"type": "number"}, "dry_run": {"type": "boolean"}}}}}},
            "responses": {"200": {"description": "routed (or candidates)"}, **ERRORS}}},
        "/api/v1/complaints/{id}/hoax": {"post": {
            "summary": "add the claim of a complaint confirmed as misinformation to the catalogue (coordinator)",
            "parameters": [ID],
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"title": {"type": "string"}, "url": {"type": "string"}}}}}},
            "responses": {"201": {"description": "catalogue entry"}, **ERRORS}}},
        "/api/v1/hoaxes": {
            "get": {"summary": "known-hoax catalogue entries (`q`, `verdict`, `limit`, `offset`)",
                    "responses": {"200": {"description": "entries"}, **ERRORS}},
            "post": {"summary": "add one entry or a list of up to 5,000 {title, claim, verdict, url, date, tags} "
                                "(coordinator); entries already catalogued are skipped",
                     "requestBody": {"required": True, "content": {"application/json": {}}},
                     "responses": {"201": {"description": "added / skipped counts"}, **ERRORS}}},
        "/api/v1/hoaxes/{id}": {"get": {
            "summary": "one catalogue entry", "parameters": [ID],
            "responses": {"200": {"description": "entry"}, "404": _error("no such entry"), **ERRORS}}},
        "/api/v1/models": {"get": {
            "summary": "registered model versions with their card summaries, the active one, and whether a "
                       "retrain runs (with the end of its log)",
            "responses": {"200": {"description": "versions"}, **ERRORS}}},
        "/api/v1/models/{version}/report": {"get": {
            "summary": "a retrained version's gate verdict, holdout and old-vs-new metrics",
            "parameters": [VERSION],
            "responses": {"200": {"description": "report"}, "404": _error("unknown version or not retrained"),
                          **ERRORS}}},
        "/api/v1/models/{version}/activate": {"post": {
            "summary": "make a version active; running workers follow within seconds (coordinator)",
            "parameters": [VERSION],
            "responses": {"200": {"description": "active and previous version"}, "409": _error("cannot load"),
                          **ERRORS}}},
        "/api/v1/models/rollback": {"post": {
            "summary": "re-activate the previously active version (coordinator)",
            "responses": {"200": {"description": "active and previous version"}, **ERRORS}}},
        "/api/v1/models/retrain": {"post": {
            "summary": "start `triage retrain` in its own process: train, gate, register, promote only when the "
                       "gate passes (coordinator)",
            "requestBody": {"content": {"application/json": {"schema": {
                "type": "object", "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"202": {"description": "started"}, "409": _error("a retrain is already running"),
                          **ERRORS}}},
        "/api/v1/users": {
            "get": {"summary": "users with role, agency, state, last login and live token count (coordinator, "
                               "auditor)",
                    "responses": {"200": {"description": "items", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"items": {"type": "array", "items": {
                            "$ref": "#/components/schemas/User"}}}}}}}, **ERRORS}},
            "post": {"summary": "create a user (coordinator); the API token is shown only in this answer; an agency "
                                "user needs a known agency code; integration users have no password",
                     "requestBody": {"required": True, "content": {"application/json": {"schema": {
                         "type": "object", "required": ["username", "role"], "properties": {
                             "username": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._@-]{1,79}$"},
                             "role": {"type": "string"}, "agency": {"type": "string"},
                             "password": {"type": "string", "minLength": 10}}}}}},
                     "responses": {"201": _json("UserWithToken"), "409": _error("username taken"), **ERRORS}}},
        "/api/v1/users/{username}/disable": {"post": {
            "summary": "disable a user: their tokens and web sessions stop at once (coordinator; not yourself)",
            "parameters": [USERNAME],
            "responses": {"200": _json("User"), "404": _error("no such user"), **ERRORS}}},
        "/api/v1/users/{username}/enable": {"post": {
            "summary": "let a disabled user in again, with the tokens and password they had (coordinator)",
            "parameters": [USERNAME],
            "responses": {"200": _json("User"), "404": _error("no such user"), **ERRORS}}},
        "/api/v1/users/{username}/token": {"post": {
            "summary": "revoke every API token of the user and return a new one, shown only here (coordinator)",
            "parameters": [USERNAME],
            "responses": {"200": _json("UserWithToken"), "404": _error("no such user"), **ERRORS}}},
        "/api/v1/users/{username}/password": {"put": {
            "summary": "set the user's web password (at least 10 characters); clears a lock-out (coordinator)",
            "parameters": [USERNAME],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["password"], "properties": {"password": {"type": "string"}}}}}},
            "responses": {"200": _json("User"), "404": _error("no such user"), **ERRORS}}},
    },
}
