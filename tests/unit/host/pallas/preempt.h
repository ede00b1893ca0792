/* Host stand-in for pallas/preempt.h: unit tests have no per-CPU data (no GS). */
#ifndef PALLAS_PREEMPT_H
#define PALLAS_PREEMPT_H

static inline void preempt_disable(void)
{
}

static inline void preempt_enable(void)
{
}

#endif
