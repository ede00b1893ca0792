/* What realmode_exc.S and realmode_exc.c share. */
#ifndef REALMODE_EXC_H
#define REALMODE_EXC_H

#define RM_BASE 0x7000
#define RM_SEG	0x0700 /* the handlers' segment: RM_SEG:0 is RM_BASE */
#define V_SOFT	0x60   /* INT n through an IVT entry of our own */

#define S_DE	    0
#define S_BP	    1
#define S_BP_IRET   2
#define S_INTO	    3
#define S_INTO_NOOF 4
#define S_BOUND	    5
#define S_UD	    6
#define S_SOFT	    7
#define S_TF	    8
#define S_MSR	    9
#define S_MONITOR   10
#define S_COUNT	    11

/* A record, in words */
#define REC_VECTOR 0
#define REC_FRAME  1 /* SP when the CPU had pushed its frame */
#define REC_IP	   2 /* the three words from there */
#define REC_CS	   3
#define REC_FLAGS  4
#define REC_HFLAGS 5 /* FLAGS and CS in the handler */
#define REC_HCS	   6

#endif
