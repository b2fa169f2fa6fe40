/* httppipe.c - gSOAP's HTTP pipelining plugin, compiled into libladon as
 * Debian ships it (/usr/share/gsoap/plugin/httppipe.c, GPL-2.0-or-later).
 * dispatch.c uses the bytes it saves at the end of a request (see the DESIGN
 * block there).  Its symbols stay hidden (-fvisibility=hidden). */
#include "/usr/share/gsoap/plugin/httppipe.c"
