"""Events: the programme, registration with waiting lists, the report (CONTRACT.md §7)."""
