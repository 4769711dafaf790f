"""Persistence: tables, engine/session set-up and migrations (SQLite by default, PostgreSQL in production)."""
