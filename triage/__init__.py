"""triage: NLP-assisted triage of SP4N-LAPOR! public-service complaints."""

__version__ = "0.1.0"
