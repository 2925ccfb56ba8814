"""Settings for the test suite: production settings with plain HTTP and a throwaway key."""

import os

os.environ.setdefault("HTTPS", "false")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("LOG_JSON", "false")
# Background counting threads would outlive the tests' transactions; one test turns it on.
os.environ.setdefault("WARM_COUNTS", "false")
# A loaded CI machine must not fail ordinary tests on the web budget; the budget's own tests
# set a short one.
os.environ.setdefault("DB_STATEMENT_TIMEOUT_MS", "30000")

from config.settings import *  # noqa: F403

# Hashing test passwords with the production hasher (about a million PBKDF2 rounds each) would
# spend most of the suite's time creating editor accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
