"""payment_svc's use cases, by subject: bills (bookings, shares, what is owed), payments (wallet
attempts and their settlement), refunds (after a cancellation) and payouts (the owner's report).

Each use case takes the unit of work first and the caller second when it acts for someone."""
