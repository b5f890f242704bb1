"""The domain: reading an applicant profile, the rules table and its verdicts, the intent of a
question."""
