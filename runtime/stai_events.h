/* edgegen runtime: the events a network callback receives (stai_<name>_set_callback), as in
 * ST Edge AI Core's st-ai API. */
#ifndef STAI_EVENTS_H
#define STAI_EVENTS_H
#include "stai.h"

STAI_API_DECLARE_BEGIN

/* Before a node runs (payload: its input buffers) and after (payload: its output buffers). */
#define STAI_EVENT_NODE_START (0x01)
#define STAI_EVENT_NODE_STOP (0x02)

typedef struct {
  int32_t node_id; /* the C layer's index: 0 .. STAI_<NAME>_NODES_NUM - 1 */
  stai_array_const_ptr buffers;
} stai_event_node_start_stop;

STAI_API_DECLARE_END

#endif
