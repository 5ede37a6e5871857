"""Stack files (`Pulumi.<cloud>-<profile>.yaml`) and the schema every one of them is validated against."""
