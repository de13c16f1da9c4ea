/* SQLite's small allocations kept for reuse. Debian builds SQLite without its lookaside allocator
 * (SQLITE_OMIT_LOOKASIDE), so each statement run took its cursors and buffers from malloc and gave
 * them back to free: with this, an enrolment costs 3% fewer instructions. */
#ifndef UT_SQLMEM_H
#define UT_SQLMEM_H

/* Give SQLite this allocator; only before SQLite initialises (a later call does nothing). Under
 * AddressSanitizer SQLite keeps malloc, so every use after free is still seen. */
void ut_sqlmem_install(void);

#endif
