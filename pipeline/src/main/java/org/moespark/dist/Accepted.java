package org.moespark.dist;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * A channel a peer dialled to this rank: its hello, then its messages into the inbox. The hello
 * may come before this rank has called connect (peers learn the address table together but
 * connect at their own pace); the transport holds it until then.
 */
final class Accepted extends ChannelInboundHandlerAdapter {
  private final NettyTransport transport;
  private volatile Links links;
  private volatile int peer = -1;

  Accepted(NettyTransport transport) {
    this.transport = transport;
  }

  void joined(Links links, int peer) {
    this.links = links;
    this.peer = peer;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    boolean handedOver = false;
    try {
      byte kind = frame.readByte();
      Links l = links;
      if (kind == Frames.HELLO) {
        transport.hello(this, ctx.channel(), frame.readInt(), frame.readInt(), frame.readInt());
      } else if (l == null) {
        ctx.close();
      } else if (kind == Frames.DATA) {
        Header h = Header.read(frame);
        if (h.src() != peer || h.attempt() != l.attempt()) {
          l.inbox().fail(peer, "rank " + peer + " sent a message as rank " + h.src()
              + " of attempt " + h.attempt() + " on a connection of attempt " + l.attempt());
          ctx.close();
        } else {
          handedOver = true;
          l.inbox().deliver(h, frame);
        }
      } else if (kind == Frames.ABORT) {
        l.inbox().abort(Frames.readText(frame));
      }
    } finally {
      if (!handedOver) {
        frame.release();
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Links l = links;
    if (l != null) {
      l.peerClosed(peer);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Links l = links;
    if (l != null) {
      l.inbox().fail(peer, "the connection from rank " + peer + " (" + l.address(peer)
          + ") broke: " + cause);
    }
    ctx.close();
  }
}
