"""The live queue: tickets, the order rule, estimates, counters, the board, appointment check-in,
the notices to those next in line, statistics."""
